//! A stylesheet in fewer bytes: its comments and the spaces no rule needs taken out, strings kept
//! as written. Used by the widget's build script (for the stylesheet it embeds) and by xtask (for
//! the package's `rusher-chat-style.js`), so both ship the same text.

/// Characters after which a space means nothing.
const NO_SPACE_AFTER: &[char] = &['{', '}', ';', ',', ':', '>', '('];
/// Characters before which a space means nothing (not `:`: `a :hover` is not `a:hover`).
const NO_SPACE_BEFORE: &[char] = &['{', '}', ';', ',', '>', ')'];

/// `css` without comments, each run of spaces (a comment counts as one) kept as one space only
/// where it separates something: between words, and around `+` and `-` (which `calc()` needs).
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space
            && !NO_SPACE_BEFORE.contains(&c)
            && out
                .chars()
                .next_back()
                .is_some_and(|last| !NO_SPACE_AFTER.contains(&last))
        {
            out.push(' ');
        }
        space = false;
        out.push(c);
        if c == '"' || c == '\'' {
            while let Some(inside) = chars.next() {
                out.push(inside);
                if inside == '\\' {
                    out.extend(chars.next());
                } else if inside == c {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn takes_out_comments_and_needless_spaces() {
        let css = "/* a comment */\n.a > .b,\n.c :focus {\n  color: red;\n  margin: 0 auto; }\n";
        assert_eq!(minify(css), ".a>.b,.c :focus{color:red;margin:0 auto;}");
    }

    #[test]
    fn keeps_strings_calc_and_media_queries() {
        let css = ".s::before { content: \"\u{25cf}  \\\"x\\\"  \"; }\n\
                   .p { height: calc(10px + env(safe-area-inset-top)); }\n\
                   @media (max-width: 480px), (pointer: coarse) { a { b: c } }";
        assert_eq!(
            minify(css),
            ".s::before{content:\"\u{25cf}  \\\"x\\\"  \";}\
             .p{height:calc(10px + env(safe-area-inset-top));}\
             @media (max-width:480px),(pointer:coarse){a{b:c}}"
        );
    }
}
