// GraphiQL on ediary's own /graphql, with every script and style served by ediary itself.
//
// Two ways to be logged in:
// - the session cookie: run `mutation { login(input: {...}) { csrfToken ... } }` here; the page
//   keeps the returned csrfToken for this tab and sends it as X-CSRF-Token, which the server
//   requires of every mutation made with a cookie;
// - a bearer token: put {"Authorization": "Bearer <accessToken>"} in the Headers pane.
(function () {
  'use strict';

  var CSRF_KEY = 'ediary.csrfToken';
  var endpoint = window.location.origin + window.location.pathname;
  var socket = endpoint.replace(/^http/, 'ws');

  function rememberCsrf(data) {
    if (!data || typeof data !== 'object') return;
    Object.keys(data).forEach(function (field) {
      var value = data[field];
      if (value && typeof value.csrfToken === 'string' && value.csrfToken) {
        window.sessionStorage.setItem(CSRF_KEY, value.csrfToken);
      }
    });
  }

  function diaryFetch(input, init) {
    var options = Object.assign({}, init, { credentials: 'same-origin' });
    var headers = new Headers(options.headers || {});
    var csrf = window.sessionStorage.getItem(CSRF_KEY);
    if (csrf && !headers.has('X-CSRF-Token')) headers.set('X-CSRF-Token', csrf);
    // Errors in the document come back as 400 with the errors, which GraphiQL shows.
    headers.set('Accept', 'application/graphql-response+json, application/json;q=0.9');
    options.headers = headers;
    return window.fetch(input, options).then(function (response) {
      return response
        .clone()
        .json()
        .then(function (body) {
          rememberCsrf(body && body.data);
        })
        .catch(function () {})
        .then(function () {
          return response;
        });
    });
  }

  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    subscriptionUrl: socket,
    fetch: diaryFetch,
  });

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
