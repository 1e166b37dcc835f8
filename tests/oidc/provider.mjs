// A real OpenID Connect provider for the tests: panva's oidc-provider (a certified
// implementation), on loopback, with a login page of our own that stands in for a police or
// municipal identity provider. The test suite starts it (tests/oidc_provider.py).
//
// Environment: PORT (0 picks one; the port is printed as "listening <port>"), CLIENTS (JSON: the
// registered clients, with their redirect URIs).
//
// The login page takes an email address and whether the person used a second factor: the
// ID token then carries amr ["pwd", "otp"] and acr "mfa", or amr ["pwd"] and acr "pwd".
import http from "node:http";
import Provider from "oidc-provider";

const clients = JSON.parse(process.env.CLIENTS || "[]");

const server = http.createServer();
server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  const port = server.address().port;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients,
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    acrValues: ["pwd", "mfa"],
    cookies: { keys: ["kvo-test-provider-only"] },
    features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: true, name: id.split("@")[0] };
        },
      };
    },
    // No consent page: the partnership registered the client, so the scopes are granted.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  provider.on("server_error", (ctx, err) => console.error("server_error", err));
  const callback = provider.callback();

  server.on("request", async (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    const match = path.match(/^\/interaction\/([\w-]+)$/);
    if (!match) return callback(req, res);
    try {
      await provider.interactionDetails(req, res);
      if (req.method === "GET") {
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        res.end(`<!doctype html><html lang="en"><head><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="${path}">
<label>Email <input type="email" name="email" required></label>
<label><input type="checkbox" name="mfa" value="1"> Second factor used</label>
<button type="submit">Sign in</button></form></main></body></html>`);
        return;
      }
      let body = "";
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const mfa = form.get("mfa") === "1";
      await provider.interactionFinished(req, res, {
        login: {
          accountId: form.get("email"),
          amr: mfa ? ["pwd", "otp"] : ["pwd"],
          acr: mfa ? "mfa" : "pwd",
        },
      });
    } catch (err) {
      res.statusCode = 400;
      res.end(String(err));
    }
  });
  console.log(`listening ${port}`);
});
