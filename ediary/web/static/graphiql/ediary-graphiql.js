// GraphiQL on ediary's own /graphql, with every script and style served by ediary itself.
//
// Two ways to be logged in:
// - the session cookie: run `mutation { login(input: {...}) { csrfToken ... } }` here; the page
//   keeps the returned csrfToken for this tab and sends it as X-CSRF-Token, which the server
//   requires of every mutation made with a cookie. A new tab or a reloaded page asks for it
//   again with `{ viewer { csrfToken } }`, and so does a mutation refused with
//   CSRF_TOKEN_REQUIRED (a login in another tab opens another session);
// - a bearer token: put {"Authorization": "Bearer <accessToken>"} in the Headers pane.
(function () {
  'use strict';

  var CSRF_KEY = 'ediary.csrfToken';
  var endpoint = window.location.origin + window.location.pathname;
  var socket = endpoint.replace(/^http/, 'ws');

  // The token may be selected at the top of a field (login { csrfToken }) or in a viewer
  // within it (viewer { csrfToken }, login { viewer { csrfToken } }).
  function findCsrf(value, depth) {
    if (!value || typeof value !== 'object' || depth > 3) return null;
    if (typeof value.csrfToken === 'string' && value.csrfToken) return value.csrfToken;
    var keys = Object.keys(value);
    for (var i = 0; i < keys.length; i++) {
      var found = findCsrf(value[keys[i]], depth + 1);
      if (found) return found;
    }
    return null;
  }

  function remember(body) {
    var data = body && body.data;
    var token = findCsrf(data, 0);
    if (token) window.sessionStorage.setItem(CSRF_KEY, token);
    if (data && data.logout && data.logout.ok) window.sessionStorage.removeItem(CSRF_KEY);
    return JSON.stringify(body || {}).indexOf('"CSRF_TOKEN_REQUIRED"') !== -1;
  }

  function post(query) {
    return window.fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: query }),
    });
  }

  // The cookie session's token, asked again: null without a cookie session.
  function recoverCsrf() {
    return post('{ viewer { csrfToken } }')
      .then(function (response) {
        return response.json();
      })
      .then(function (body) {
        var viewer = body && body.data && body.data.viewer;
        if (viewer && viewer.csrfToken) {
          window.sessionStorage.setItem(CSRF_KEY, viewer.csrfToken);
        } else {
          window.sessionStorage.removeItem(CSRF_KEY);
        }
      })
      .catch(function () {});
  }

  var ready = window.sessionStorage.getItem(CSRF_KEY)
    ? Promise.resolve()
    : recoverCsrf();

  function diaryFetch(input, init) {
    return ready.then(function () {
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
            // Refused for its token: the next try sends the session's token as it is now.
            if (remember(body)) ready = recoverCsrf();
          })
          .catch(function () {})
          .then(function () {
            return response;
          });
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
