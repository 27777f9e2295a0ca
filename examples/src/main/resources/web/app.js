// The Latchkey example's login page: plain JavaScript, no framework, no inline code (the page's CSP forbids it).
// Tokens live in sessionStorage for this tab only; everything shown is set with textContent, never parsed as HTML.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const STORAGE = 'latchkey.session';
  let session = null;
  let challengeId = null;
  let refreshes = 0;

  function say(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }

  async function api(method, path, body, token) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers['Authorization'] = 'Bearer ' + token;
    const response = await fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store'
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error((data && data.message) || ('HTTP ' + response.status));
      error.code = data && data.error;
      throw error;
    }
    return data;
  }

  function keep(tokens) {
    session = tokens;
    sessionStorage.setItem(STORAGE, JSON.stringify(tokens));
    render();
  }

  function forget() {
    session = null;
    sessionStorage.removeItem(STORAGE);
    render();
  }

  function render() {
    const signedIn = session !== null;
    $('signed-in').hidden = !signedIn;
    $('signed-out').hidden = signedIn;
    if (signedIn) {
      const user = session.user;
      $('user-name').textContent = user.email || user.mobile || user.id;
      $('user-id').textContent = user.id;
      $('user-tenant').textContent = user.tenantId;
      $('user-role').textContent = user.role;
      $('refresh-count').textContent = String(refreshes);
    }
  }

  function tenant() {
    return $('tenant').value.trim();
  }

  $('otp-send').addEventListener('submit', async (event) => {
    event.preventDefault();
    const destination = $('destination').value.trim();
    const field = destination.indexOf('@') >= 0 ? 'email' : 'mobile';
    try {
      const body = { tenantId: tenant() };
      body[field] = destination;
      const sent = await api('POST', '/api/auth/send-otp', body);
      challengeId = sent.challengeId;
      $('otp-verify').hidden = false;
      $('code').focus();
      say('Code sent; it expires in ' + sent.expiresIn + ' s.');
    } catch (e) {
      say(e.message, true);
    }
  });

  $('otp-verify').addEventListener('submit', async (event) => {
    event.preventDefault();
    const destination = $('destination').value.trim();
    const field = destination.indexOf('@') >= 0 ? 'email' : 'mobile';
    try {
      const body = { tenantId: tenant(), challengeId: challengeId, code: $('code').value.trim() };
      body[field] = destination;
      keep(await api('POST', '/api/auth/verify-otp', body));
      $('otp-verify').hidden = true;
      $('code').value = '';
      say('Signed in.');
    } catch (e) {
      say(e.message, true);
    }
  });

  $('refresh').addEventListener('click', async () => {
    try {
      const tokens = await api('POST', '/api/auth/refresh', { refreshToken: session.refreshToken });
      refreshes += 1;
      keep(tokens);
      say('Tokens refreshed.');
    } catch (e) {
      forget();
      say('Your session has ended: ' + e.message, true);
    }
  });

  $('signout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/auth/signout', undefined, session.accessToken);
    } catch (e) {
      // Signed out either way: the tokens are dropped below.
    }
    forget();
    refreshes = 0;
    say('Signed out.');
  });

  function providerButton(provider, prefix, onClick) {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = prefix + provider.id;
    button.textContent = (prefix === 'link-' ? 'Link ' : 'Sign in with ') + provider.name;
    button.addEventListener('click', onClick);
    return button;
  }

  async function loadProviders() {
    const answer = await api('GET', '/api/auth/oauth/providers');
    $('providers-title').hidden = answer.providers.length === 0;
    for (const provider of answer.providers) {
      $('providers').appendChild(providerButton(provider, 'signin-', () => {
        const query = new URLSearchParams({ tenantId: tenant(), returnTo: '/' });
        window.location.assign('/api/auth/oauth/' + encodeURIComponent(provider.id) + '/start?' + query);
      }));
      $('link-providers').appendChild(providerButton(provider, 'link-', async () => {
        try {
          const start = await api('POST', '/api/auth/oauth/' + encodeURIComponent(provider.id) + '/link',
            { tenantId: session.user.tenantId, returnTo: '/' }, session.accessToken);
          window.location.assign(start.redirect);
        } catch (e) {
          say(e.message, true);
        }
      }));
    }
  }

  async function finishExternalSignIn() {
    const params = new URLSearchParams(window.location.search);
    const code = params.get('oauth_code');
    const error = params.get('oauth_error');
    if (code || error) {
      // Drop the code from the address bar and history at once: it is single use, but it need not linger.
      window.history.replaceState(null, '', window.location.pathname);
    }
    if (error) {
      say('Sign-in refused: ' + error, true);
    } else if (code) {
      try {
        keep(await api('POST', '/api/auth/oauth/exchange', { code: code }));
        say('Signed in.');
      } catch (e) {
        say(e.message, true);
      }
    }
  }

  const stored = sessionStorage.getItem(STORAGE);
  if (stored) {
    session = JSON.parse(stored);
  }
  render();
  loadProviders().catch((e) => say(e.message, true));
  finishExternalSignIn();
})();
