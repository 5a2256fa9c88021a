// The small test runner behind the hub interop suite: runs named tests one after another, each bounded
// in time, stops every connection a test opened, and prints one TAP-like line per test
// ("ok N - ..." / "not ok N - ...") with the client's log of a failed test. The server is started and
// stopped by ../support.mjs, which also holds the assertions the other scripts share.

import * as signalR from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

import { errorText, expectEqual, expectRejects, expectTrue, fail, withTimeout } from '../support.mjs';

export { expectEqual, expectRejects, expectTrue, fail, MessagePackHubProtocol, signalR, withTimeout };

export const TEST_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Promise helpers

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
// The runner

/**
 * Runs `tests` ({ name, body, timeoutMs, notApplicable }) in order. `ctx.resetTest()` is called before
 * each test and `ctx.cleanUp()` after it. A test whose `notApplicable` names a reason is not run: it is
 * reported as a TAP skip with that reason. Resolves with { passed, failed: [names], skipped: [names] }.
 */
export async function runTests(label, tests, ctx) {
    let passed = 0;
    const failed = [];
    const skipped = [];
    let number = 0;
    for (const test of tests) {
        number += 1;
        if (test.notApplicable) {
            skipped.push(test.name);
            console.log(`ok ${number} - ${label}: ${test.name} # SKIP not applicable: ${test.notApplicable}`);
            continue;
        }
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
            error = error ?? new Error(`clean-up failed: ${errorText(e)}`);
        }
        const ms = Date.now() - started;
        if (error) {
            failed.push(test.name);
            console.log(`not ok ${number} - ${label}: ${test.name} (${ms} ms)`);
            for (const line of String(errorText(error)).split('\n')) {
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
    return { passed, failed, skipped };
}
