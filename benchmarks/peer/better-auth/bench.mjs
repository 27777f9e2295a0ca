// Peer benchmark: better-auth (phone-number OTP plugin) on PostgreSQL, driven in-process.
// Not part of CI. Usage: node bench.mjs [seconds=10] [callers=16] [warmup=3]
//   [pghost=127.0.0.1] [pgport=5432] [pguser=postgres] [pgdb=test]
// Creates its own database betterauth_bench_<random>, runs better-auth's migrations there, and drops it at the end.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { phoneNumber } from "better-auth/plugins";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const i = a.indexOf("=");
    if (i < 0) throw new Error(`argument without '=': ${a}`);
    return [a.slice(0, i), a.slice(i + 1)];
  }),
);
const known = new Set(["seconds", "callers", "warmup", "pghost", "pgport", "pguser", "pgdb"]);
for (const k of Object.keys(args)) if (!known.has(k)) throw new Error(`unknown argument: ${k}`);
const SECONDS = Number(args.seconds ?? 10);
const CALLERS = Number(args.callers ?? 16);
const WARMUP_SECONDS = Number(args.warmup ?? Math.min(3, SECONDS));
const PG = {
  host: args.pghost ?? "127.0.0.1",
  port: Number(args.pgport ?? 5432),
  user: args.pguser ?? "postgres",
};
const ADMIN_DB = args.pgdb ?? "test";
const SESSION_POOL = 64; // distinct valid sessions the getSession callers cycle through
if (!(SECONDS > 0) || !(CALLERS >= 1) || !(WARMUP_SECONDS >= 0)) throw new Error("bad seconds/callers/warmup");

const pkgVersion = (name) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), "utf8")).version;

const dbName = `betterauth_bench_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ ...PG, database: ADMIN_DB });
let pool;
let exitCode = 0;
let cleaningUp = false;

// ---- measurement -----------------------------------------------------------------------------------------------

// Count PostgreSQL statements (each is one round trip with pg's simple/extended query) per operation. Kysely and
// the floor both go through pg.Client#query on pooled clients.
let pgQueries = 0;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...a) {
  pgQueries++;
  return originalQuery.apply(this, a);
};

const failures = new Map(); // message -> count
function recordFailure(op, err) {
  const msg = `${op}: ${err?.status ?? ""} ${err?.body?.code ?? ""} ${err?.message ?? String(err)}`.replace(/\s+/g, " ");
  failures.set(msg, (failures.get(msg) ?? 0) + 1);
}

/** Runs `op(callerIndex, seq)` from `callers` async loops for `seconds`; only successful ops are counted. */
async function phase(name, callers, seconds, op) {
  const latenciesNs = [];
  let ok = 0;
  let failed = 0;
  let seq = 0;
  const queriesBefore = pgQueries;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  const loop = async (c) => {
    while (process.hrtime.bigint() < end) {
      const s = seq++;
      const t0 = process.hrtime.bigint();
      try {
        await op(c, s);
        latenciesNs.push(Number(process.hrtime.bigint() - t0));
        ok++;
      } catch (err) {
        failed++;
        recordFailure(name, err);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, c) => loop(c)));
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  const queries = pgQueries - queriesBefore;
  latenciesNs.sort((a, b) => a - b);
  const pct = (p) => (latenciesNs.length ? latenciesNs[Math.min(latenciesNs.length - 1, Math.floor(p * latenciesNs.length))] / 1e3 : NaN);
  return { name, callers, ok, failed, opsPerS: ok / elapsedS, queriesPerOp: queries / Math.max(1, ok + failed), p50: pct(0.5), p99: pct(0.99), elapsedS };
}

// ---- main ------------------------------------------------------------------------------------------------------

async function main() {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  pool = new pg.Pool({ ...PG, database: dbName, max: CALLERS });
  // An idle pooled connection that errors must not crash the run; during cleanup, DROP ... WITH (FORCE) may
  // terminate connections pg.Pool is still closing.
  pool.on("error", (e) => {
    if (cleaningUp) return;
    console.error("pg pool error:", e.message);
    exitCode = 1;
  });

  const otpCodes = new Map(); // phoneNumber -> last code "sent"
  const authOptions = {
    database: pool,
    secret: "latchkey-peer-benchmark-fixed-test-secret-0123456789abcdef",
    baseURL: "http://localhost:3000",
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { level: "error" },
    plugins: [
      phoneNumber({
        sendOTP: ({ phoneNumber: p, code }) => {
          otpCodes.set(p, code);
        },
        signUpOnVerification: {
          getTempEmail: (p) => `${p.replace(/\D/g, "")}@bench.example.com`,
          getTempName: (p) => p,
        },
      }),
    ],
  };
  const { runMigrations, toBeCreated } = await getMigrations(authOptions);
  await runMigrations();
  const auth = betterAuth(authOptions);

  // Phone numbers unique within this run's fresh database: every login creates a user.
  let phoneSeq = 0;
  const nextPhone = () => `+1555${String(phoneSeq++).padStart(7, "0")}`;
  let logins = 0;

  /** send OTP + verify OTP for a new phone number; returns the session cookie header; throws unless a session came back. */
  async function login() {
    const phone = nextPhone();
    const sent = await auth.api.sendPhoneNumberOTP({ body: { phoneNumber: phone } });
    if (sent?.message !== "code sent") throw new Error(`sendPhoneNumberOTP returned ${JSON.stringify(sent)}`);
    const code = otpCodes.get(phone);
    otpCodes.delete(phone);
    if (!code) throw new Error("no OTP captured");
    const { headers, response } = await auth.api.verifyPhoneNumber({
      body: { phoneNumber: phone, code },
      returnHeaders: true,
    });
    if (!response?.status || typeof response.token !== "string" || response.token.length === 0)
      throw new Error(`verifyPhoneNumber returned no session token: ${JSON.stringify(response)}`);
    if (response.user?.phoneNumber !== phone) throw new Error("verifyPhoneNumber returned another user");
    const cookie = headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .find((c) => c.startsWith("better-auth.session_token="));
    if (!cookie || !cookie.includes(response.token)) throw new Error("no session cookie for the returned token");
    logins++;
    return { cookie, token: response.token, userId: response.user.id };
  }

  // Sessions for the getSession phases (also proves cookie -> session works end to end).
  const sessions = [];
  for (let i = 0; i < SESSION_POOL; i++) {
    const s = await login();
    const got = await auth.api.getSession({ headers: new Headers({ cookie: s.cookie }) });
    if (got?.session?.token !== s.token || got?.user?.id !== s.userId) throw new Error("getSession did not return the new session");
    sessions.push({ headers: new Headers({ cookie: s.cookie }), token: s.token });
  }

  const selectOne = async () => {
    const r = await pool.query("SELECT 1 AS one");
    if (r.rows[0].one !== 1) throw new Error("SELECT 1 returned something else");
  };
  const getSession = async (c, s) => {
    const entry = sessions[s % sessions.length];
    const got = await auth.api.getSession({ headers: entry.headers });
    if (got?.session?.token !== entry.token) throw new Error("getSession returned no/another session");
  };

  const ops = [
    ["SELECT 1 (floor, same pg Pool)", selectOne],
    ["login (send OTP + verify OTP, new user)", () => login()],
    ["getSession (valid session cookie)", getSession],
  ];

  // Warm-up: every operation at full concurrency; failures here count too.
  if (WARMUP_SECONDS > 0) for (const [name, op] of ops) await phase(`warm-up ${name}`, CALLERS, WARMUP_SECONDS, op);

  const results = [];
  const callerCounts = CALLERS === 1 ? [1] : [1, CALLERS];
  for (const [name, op] of ops) for (const n of callerCounts) results.push(await phase(name, n, SECONDS, op));

  // Cross-check in the database: one user and one session per successful login, nothing else.
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM "user")::int AS users, (SELECT count(*) FROM "session")::int AS sessions,
            (SELECT count(*) FROM "user" WHERE "phoneNumberVerified")::int AS verified`,
  );
  const dbCheck = rows[0];

  const floor16 = results.find((r) => r.name.startsWith("SELECT 1") && r.callers === CALLERS);
  const f = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "n/a");
  const lines = [];
  lines.push(`## better-auth ${pkgVersion("better-auth")} peer benchmark`);
  lines.push("");
  lines.push(`- date: ${new Date().toISOString()}`);
  lines.push(
    `- node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  lines.push(
    `- better-auth ${pkgVersion("better-auth")}, kysely ${pkgVersion("kysely")}, pg ${pkgVersion("pg")}; PostgreSQL ${
      (await pool.query("SHOW server_version")).rows[0].server_version
    } at ${PG.host}:${PG.port}, scratch database ${dbName} (dropped at exit); tables created: ${toBeCreated.map((t) => t.table).join(", ")}`,
  );
  lines.push(
    `- phone-number plugin, signUpOnVerification; driven in-process via auth.api (no HTTP); rate limiting DISABLED (auth.api calls bypass better-auth's limiter anyway); telemetry off; cookie cache off (default); pg.Pool max ${CALLERS}`,
  );
  lines.push(`- ${WARMUP_SECONDS} s warm-up per operation at ${CALLERS} callers, then ${SECONDS} s per phase; callers are async loops in one Node process`);
  lines.push(`- getSession cycles through ${SESSION_POOL} valid sessions created by login before the warm-up`);
  lines.push("");
  lines.push("| operation | callers | ops/s | × SELECT 1 (16) | p50 µs | p99 µs | PG queries/op | failed |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results)
    lines.push(
      `| ${r.name} | ${r.callers} | ${f(r.opsPerS)} | ${floor16 ? (r.opsPerS / floor16.opsPerS).toFixed(3) : "n/a"} | ${f(r.p50, 1)} | ${f(r.p99, 1)} | ${r.queriesPerOp.toFixed(2)} | ${r.failed} |`,
    );
  lines.push("");
  lines.push(
    `Database check: ${logins} successful logins, ${dbCheck.users} users (${dbCheck.verified} phone-verified), ${dbCheck.sessions} sessions.`,
  );
  if (dbCheck.users !== logins || dbCheck.sessions !== logins || dbCheck.verified !== logins) {
    lines.push("MISMATCH: expected exactly one verified user and one session per successful login.");
    exitCode = 1;
  }
  if (failures.size) {
    exitCode = 1;
    lines.push("");
    lines.push("Failures (not counted as successes):");
    for (const [m, n] of failures) lines.push(`- ${n} × ${m}`);
  } else lines.push("Failures: none.");
  console.log(lines.join("\n"));
}

async function cleanup() {
  cleaningUp = true;
  try {
    if (pool) await pool.end();
  } catch (e) {
    console.error("pool.end failed:", e);
    exitCode = 1;
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } catch (e) {
    console.error(`could not drop ${dbName}:`, e);
    exitCode = 1;
  }
  await admin.end().catch(() => {});
}

try {
  await main();
} catch (e) {
  console.error("ERROR:", e);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
