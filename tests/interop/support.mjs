// What the Node test scripts share (tests/interop/transports.mjs and hub/, tests/examples/,
// tests/browser/): the pinned Node packages of this folder, assertions and time limits, checks printed
// one per line ("ok - ..." / "not ok - ...") with a count, a server program started until it prints its
// "listening on ..." lines, and a script's whole run under a time limit.
//
// Only Node's own modules are imported here: the example tests load this before the packages are installed.

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inspect, isDeepStrictEqual } from 'node:util';

const repo = fileURLToPath(new URL('../..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The Node packages and the command line

/** Installs the Node packages of these folders of the repository (tools/npm-ci: only when missing or
 *  older than their lock file). */
export function installNodePackages(...folders) {
    const r = spawnSync(`${repo}/tools/npm-ci`, folders.map((f) => `${repo}/${f}`), { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`tools/npm-ci ${folders.join(' ')} failed`);
}

/** require() for the packages pinned in tests/interop/package.json (ws, @microsoft/signalr, playwright-core). */
export const requireTestPackage = createRequire(import.meta.url);

/** The script's arguments; prints `usage` and exits with status 2 unless `valid(args)`. */
export function scriptArguments(usage, valid = (args) => args.length > 0) {
    const args = process.argv.slice(2);
    if (!valid(args)) {
        console.error(`usage: ${usage}`);
        process.exit(2);
    }
    return args;
}

// ---------------------------------------------------------------------------------------------
// Assertions and time limits

/** The message of `e`, or `e` itself when it has none. */
export function errorText(e) {
    return e && e.message ? e.message : e;
}

export function fail(message) {
    throw new Error(message);
}

function show(value) {
    return inspect(value, { depth: 6, breakLength: Infinity, maxStringLength: 300 });
}

/** Fails unless `actual` and `expected` are deeply and strictly equal. */
export function expectEqual(actual, expected, what) {
    if (!isDeepStrictEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function expectTrue(condition, what) {
    if (!condition) fail(what);
}

/** Awaits `promise`, which must reject; checks the error's message and returns the error. */
export async function expectRejects(promise, message, what) {
    let error = null;
    let value;
    try {
        value = await promise;
    } catch (e) {
        error = e ?? new Error(String(e));
    }
    if (!error) fail(`${what}: expected a rejection with ${show(message)}, got a result ${show(value)}`);
    expectEqual(error.message, message, `${what}: error message`);
    return error;
}

/** `promise`, or a rejection "timed out after `ms` ms waiting for `what`". */
export function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Checks, one line each, and their count

let passed = 0;
const failed = [];

/**
 * Runs one check, within `ms`, and prints its line. A check whose `notApplicable` names a reason (the
 * server under test does not do what it checks, by design) is not run: its line says so, and it counts
 * neither as passed nor as failed.
 */
export async function check(name, body, ms = 15_000, { notApplicable } = {}) {
    if (notApplicable) {
        console.log(`ok - ${name} # SKIP not applicable: ${notApplicable}`);
        return;
    }
    try {
        await withTimeout(Promise.resolve().then(body), ms, 'the check to finish');
        passed += 1;
        console.log(`ok - ${name}`);
    } catch (e) {
        failed.push(name);
        console.log(`not ok - ${name}`);
        console.log(`  # ${errorText(e)}`);
    }
}

/** Prints the count of checks that passed; the exit status to end with. */
export function summary() {
    const total = passed + failed.length;
    console.log(`# ${passed}/${total} checks passed${failed.length ? `; failed: ${failed.join('; ')}` : ''}`);
    return failed.length === 0 ? 0 : 1;
}

/** The check that `server` stops on SIGTERM and exits with status 0 (the example tests' last). */
export async function checkStops(server) {
    await check('the server stops on SIGTERM with exit status 0', () => server.stopWithStatusZero(15_000), 20_000);
}

// ---------------------------------------------------------------------------------------------
// The server under test

/**
 * A server program run for a test. It is ready once the first `listeners` lines of its standard output
 * match `listening` ("listening on URL ...", group 1 the URL); any other line before that is an error.
 */
export class ServerProcess {
    /** Starts `program` with `args` and resolves with the ServerProcess once it is ready. */
    static start(program, args, options) {
        return new ServerProcess(program, args, options).start();
    }

    constructor(program, args, { listeners = 1, listening = /^listening on (\S+)/, startMs = 20_000 } = {}) {
        this.program = program;
        this.args = args;
        this.options = { listeners, listening, startMs };
        this.child = null;
        this.exited = null;
        this.lines = []; // the "listening on" lines
        this.urls = [];  // the URL of each
    }

    /** The first URL the server printed. */
    get url() {
        return this.urls[0];
    }

    /** The port of the first URL. */
    get port() {
        return Number(new URL(this.url).port);
    }

    /** Starts the program with `args` (by default those given before) and resolves with this once it is ready. */
    start(args = this.args) {
        const { listeners, listening, startMs } = this.options;
        this.args = args;
        this.lines = [];
        this.urls = [];
        return withTimeout(new Promise((resolve, reject) => {
            const child = spawn(this.program, args, { stdio: ['ignore', 'pipe', 'inherit'] });
            this.child = child;
            this.exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
            child.once('error', (e) => reject(new Error(`cannot start ${this.program}: ${e.message}`)));
            child.once('exit', (code, signal) =>
                reject(new Error(`${this.program} exited before listening (code ${code}, signal ${signal})`)));
            // Keeps draining standard output so the server never blocks on a full pipe.
            createInterface({ input: child.stdout }).on('line', (line) => {
                if (this.lines.length === listeners) return;
                const m = listening.exec(line);
                if (!m) {
                    reject(new Error(`unexpected line from the server: ${JSON.stringify(line)}`));
                    return;
                }
                this.lines.push(line);
                this.urls.push(m[1]);
                if (this.lines.length === listeners) resolve(this);
            });
        }), startMs, `${this.program} to listen`);
    }

    running() {
        return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
    }

    /** Sends `signal`, then resolves with { code, signal } once the server has exited; kills it if that
     *  takes more than `ms`, and rejects. */
    async stop(signal = 'SIGTERM', ms = 5_000) {
        if (!this.child) return { code: null, signal: null };
        if (!this.running()) return this.exited;
        this.child.kill(signal);
        try {
            return await withTimeout(this.exited, ms, `the server to exit after ${signal}`);
        } catch (e) {
            this.kill();
            throw e;
        }
    }

    /** Stops the server with SIGTERM (within `ms`) and fails unless it exits with status 0. */
    async stopWithStatusZero(ms) {
        const { code, signal } = await this.stop('SIGTERM', ms);
        if (code !== 0) fail(`exit code ${code}, signal ${signal}`);
    }

    kill() {
        if (this.running()) this.child.kill('SIGKILL');
    }
}

/** The { status, body } of the HTTP answer that refuses a WebSocket handshake to `url` (rejects if the
 *  handshake succeeds). */
export function refusedHandshake(url) {
    const WebSocket = requireTestPackage('ws');
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.on('error', () => {});
        ws.once('open', () => {
            ws.terminate();
            reject(new Error('the WebSocket handshake was accepted'));
        });
        ws.once('unexpected-response', (req, res) => {
            const status = res.statusCode;
            let body = '';
            const done = () => {
                resolve({ status, body });
                req.destroy();
            };
            res.setEncoding('utf8');
            res.on('data', (chunk) => { body += chunk; });
            res.on('end', done);
            res.on('error', done);
        });
    });
}

// ---------------------------------------------------------------------------------------------
// A script's whole run

/**
 * Runs a script against `server`: starts it ("not ok - start ..." when it does not), awaits `tests()`,
 * which resolves with the exit status, kills the server and exits with that status. The run fails
 * with "not ok - ..." if `tests` throws or if it all takes more than `ms`. Promises that a test which
 * timed out left behind may reject later: those are noted, not fatal.
 */
export function runAgainst(server, tests, { ms }) {
    process.on('unhandledRejection', (e) => {
        console.log(`# late error after a test that failed: ${errorText(e)}`);
    });
    const timer = setTimeout(() => {
        console.log(`not ok - global timeout: the run took more than ${ms / 1000} s`);
        server.kill();
        process.exit(1);
    }, ms);

    async function run() {
        try {
            await server.start();
        } catch (e) {
            console.log(`not ok - start ${server.program}`);
            console.log(`  # ${e.message}`);
            server.kill();
            return 1;
        }
        try {
            return await tests();
        } finally {
            server.kill();
        }
    }

    run().then(
        (status) => {
            clearTimeout(timer);
            process.exit(status);
        },
        (e) => {
            console.log(`not ok - unexpected error: ${e && e.stack ? e.stack : e}`);
            server.kill();
            process.exit(1);
        },
    );
}
