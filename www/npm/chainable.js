// pusher-js's bind/unbind family returns the object itself, so calls can be chained:
// `channel.bind("a", f).bind("b", g)`. The wasm exports return nothing; this wraps them.
export function chainable(...types) {
  for (const type of types) {
    for (const name of ["bind", "unbind", "bind_global", "unbind_global", "unbind_all"]) {
      const method = type.prototype[name];
      type.prototype[name] = function (...args) {
        method.apply(this, args);
        return this;
      };
    }
  }
}
