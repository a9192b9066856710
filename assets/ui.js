/* Page state that needs nothing from the server, kept in the browser: Dash clientside callbacks
   (callbacks/*.py name them as ClientsideFunction("ui", ...)). No round trip, no worker time. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  ui: {
    /* A button that opens and closes a panel (dbc.Collapse's is_open). */
    toggle: function (_clicks, isOpen) {
      return !isOpen;
    }
  }
});
