// The small test runner behind the hub interop suite: starts testhub-server, runs named tests one
// after another, each bounded in time, stops every connection a test opened, and prints one TAP-like
// line per test ("ok N - ..." / "not ok N - ...") with the client's log of a failed test.

import { spawn } from 'node:child_process';
import { isDeepStrictEqual, inspect } from 'node:util';
import { createInterface } from 'node:readline';

import * as signalR from '@microsoft/signalr';

export { signalR };

export const TEST_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Assertions and promise helpers

export function fail(message) {
    throw new Error(message);
}

function show(value) {
    return inspect(value, { depth: 6, breakLength: Infinity, maxStringLength: 300 });
}

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

export function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise with its resolve and reject at hand. */
export function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

/**
 * Values pushed by callbacks (client methods, stream items), awaited in order by the test:
 * `next(what)` resolves with the next value, or rejects after `ms`.
 */
export class Inbox {
    constructor() {
        this.items = [];
        this.waiters = [];
    }

    push(value) {
        const waiter = this.waiters.shift();
        if (waiter) waiter(value);
        else this.items.push(value);
    }

    next(what, ms = 5_000) {
        if (this.items.length) return Promise.resolve(this.items.shift());
        const d = deferred();
        this.waiters.push(d.resolve);
        return withTimeout(d.promise, ms, what).catch((e) => {
            const i = this.waiters.indexOf(d.resolve);
            if (i >= 0) this.waiters.splice(i, 1);
            throw e;
        });
    }

    /** What has arrived and not been taken yet. */
    get pending() {
        return this.items.slice();
    }
}

/** Collects a server stream: resolves with its items when it completes, rejects with its error. */
export function collectStream(streamResult) {
    const items = [];
    const done = deferred();
    const subscription = streamResult.subscribe({
        next: (item) => items.push(item),
        complete: () => done.resolve(items),
        error: (e) => {
            e.items = items;
            done.reject(e);
        },
    });
    return { items, done: done.promise, subscription };
}

// ---------------------------------------------------------------------------------------------
// The client's log, kept per test and printed when the test fails

export class CapturingLogger {
    constructor() {
        this.lines = [];
        this.echo = process.env.SIGNALRPP_INTEROP_LOG === '1';
    }

    log(level, message) {
        const line = `${signalR.LogLevel[level]}: ${message}`;
        this.lines.push(line);
        if (this.lines.length > 200) this.lines.shift();
        if (this.echo) console.log(`  # client ${line}`);
    }

    take() {
        const lines = this.lines;
        this.lines = [];
        return lines;
    }
}

// ---------------------------------------------------------------------------------------------
// The server process

export class TestServer {
    constructor(path, extraArgs = []) {
        this.path = path;
        this.extraArgs = extraArgs;
        this.child = null;
        this.port = 0;
    }

    get url() {
        return `http://127.0.0.1:${this.port}`;
    }

    /** Starts the server on `port` (0: any free port) and resolves with the port it listens on. */
    start(port = 0) {
        return withTimeout(new Promise((resolve, reject) => {
            const child = spawn(this.path, ['--port', String(port), ...this.extraArgs],
                { stdio: ['ignore', 'pipe', 'inherit'] });
            this.child = child;
            child.once('error', (e) => reject(new Error(`cannot start ${this.path}: ${e.message}`)));
            child.once('exit', (code, signal) =>
                reject(new Error(`${this.path} exited before listening (code ${code}, signal ${signal})`)));
            const lines = createInterface({ input: child.stdout });
            lines.once('line', (line) => {
                const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
                if (!m) {
                    reject(new Error(`unexpected first line from the server: ${JSON.stringify(line)}`));
                    return;
                }
                this.port = Number(m[1]);
                resolve(this.port);
            });
            // Keep draining standard output so the server never blocks on a full pipe.
            lines.on('line', () => {});
        }), 10_000, 'the server to print its port');
    }

    running() {
        return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
    }

    /** Sends `signal` and resolves with [code, signal] once the process has exited (or rejects after `ms`). */
    stop(signal = 'SIGTERM', ms = 5_000) {
        const child = this.child;
        if (!child) return Promise.resolve([null, null]);
        if (child.exitCode !== null || child.signalCode !== null) {
            return Promise.resolve([child.exitCode, child.signalCode]);
        }
        const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve([code, sig])));
        child.kill(signal);
        return withTimeout(exited, ms, `the server to exit after ${signal}`);
    }

    killNow() {
        if (this.running()) this.child.kill('SIGKILL');
    }
}

// ---------------------------------------------------------------------------------------------
// The runner

/**
 * Runs `tests` ({ name, body, timeoutMs }) in order. `ctx.resetTest()` is called before each test
 * and `ctx.cleanUp()` after it. Resolves with { passed, failed: [names] }.
 */
export async function runTests(label, tests, ctx) {
    let passed = 0;
    const failed = [];
    let number = 0;
    for (const test of tests) {
        number += 1;
        ctx.resetTest();
        const started = Date.now();
        let error = null;
        try {
            await withTimeout(Promise.resolve().then(() => test.body(ctx)), test.timeoutMs ?? TEST_TIMEOUT_MS,
                'the test to finish');
        } catch (e) {
            error = e;
        }
        try {
            await ctx.cleanUp();
        } catch (e) {
            error = error ?? new Error(`clean-up failed: ${e && e.message ? e.message : e}`);
        }
        const ms = Date.now() - started;
        if (error) {
            failed.push(test.name);
            console.log(`not ok ${number} - ${label}: ${test.name} (${ms} ms)`);
            for (const line of String(error && error.message ? error.message : error).split('\n')) {
                console.log(`  # ${line}`);
            }
            const log = ctx.logger.take();
            if (log.length) {
                console.log('  # client log (last lines):');
                for (const line of log.slice(-40)) console.log(`  #   ${line}`);
            }
        } else {
            passed += 1;
            ctx.logger.take();
            console.log(`ok ${number} - ${label}: ${test.name} (${ms} ms)`);
        }
    }
    return { passed, failed };
}
