// What the example tests share: installing the pinned Node packages, starting an example server and
// reading its "listening on ..." lines, checks printed one per line ("ok - ..." / "not ok - ..."), and
// stopping the server, which must then exit with status 0 (under the sanitizers: without reports).

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/// Installs the Node packages of these folders of the repository (tools/npm-ci: only when missing or
/// older than their lock file).
export function installNodePackages(...folders) {
    const r = spawnSync(`${repo}/tools/npm-ci`, folders.map((f) => `${repo}/${f}`), { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`tools/npm-ci ${folders.join(' ')} failed`);
}

/// require() for the packages pinned in tests/interop/package.json (ws, @microsoft/signalr, playwright-core).
export const requireTestPackage = createRequire(`${repo}/tests/interop/package.json`);

let passed = 0;
const failed = [];

export function fail(message) {
    throw new Error(message);
}

export function expectEqual(actual, expected, what) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

export function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/// Runs one check, within `ms`, and prints its line.
export async function check(name, body, ms = 15_000) {
    try {
        await withTimeout(Promise.resolve().then(body), ms, 'the check to finish');
        passed += 1;
        console.log(`ok - ${name}`);
    } catch (e) {
        failed.push(name);
        console.log(`not ok - ${name}`);
        console.log(`  # ${e && e.message ? e.message : e}`);
    }
}

/// Prints the summary; the exit status to end with.
export function summary() {
    const total = passed + failed.length;
    console.log(`# ${passed}/${total} checks passed${failed.length ? `; failed: ${failed.join('; ')}` : ''}`);
    return failed.length === 0 ? 0 : 1;
}

/// An example server, started with `args`, once it has printed `lines` lines of "listening on ...".
export class ExampleServer {
    static start(program, args, lines = 1) {
        return withTimeout(new Promise((resolve, reject) => {
            const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'] });
            const server = new ExampleServer(child);
            child.once('error', (e) => reject(new Error(`cannot start ${program}: ${e.message}`)));
            child.once('exit', (code, signal) => reject(new Error(`${program} exited (${code ?? signal}) before listening`)));
            createInterface({ input: child.stdout }).on('line', (line) => {
                const m = /^listening on (\S+)/.exec(line);
                if (!m) return;
                server.lines.push(line);
                server.urls.push(m[1]);
                if (server.urls.length === lines) resolve(server);
            });
        }), 20_000, `${program} to listen`);
    }

    constructor(child) {
        this.child = child;
        this.urls = [];  // the first word after "listening on" of each line
        this.lines = [];
        this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    }

    /// SIGTERM, then the exit status (or a failure if it does not exit within 15 s).
    async stop() {
        if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
        this.child.kill('SIGTERM');
        try {
            return await withTimeout(this.exited, 15_000, 'the server to exit after SIGTERM');
        } catch (e) {
            this.child.kill('SIGKILL');
            throw e;
        }
    }

    kill() {
        if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }
}

/// A check that the server stops on SIGTERM and exits with status 0.
export async function checkStops(server) {
    await check('the server stops on SIGTERM with exit status 0', async () => {
        const { code, signal } = await server.stop();
        expectEqual(signal ?? code, 0, 'exit status');
    }, 20_000);
}
