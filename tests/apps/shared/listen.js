// What every app here does once its Echo is made, the way a Laravel app's pages listen: a private
// channel and a presence channel, authorized by the app's own `/broadcasting/auth` route, each
// with an event the server broadcasts. What arrives is kept in `window.seen` for the test.
export function listen(echo) {
  const seen = (window.seen = { states: [], orders: [], said: [], here: null, subscribed: [] });
  const connection = echo.connector.pusher.connection;
  connection.bind('state_change', ({ current }) => seen.states.push(current));
  echo.private('orders.1')
    .subscribed(() => seen.subscribed.push('orders.1'))
    .listen('.shipped', (event) => seen.orders.push(event));
  echo.join('room.1')
    .here((members) => { seen.here = members.map((member) => member.name); })
    .listen('.said', (event) => seen.said.push(event));
}
