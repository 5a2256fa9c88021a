// Streams in both directions: server-to-client streams (items, completion, errors, cancellation)
// and client-to-server streams (the client's Subject as an argument).

import { collectStream, deferred, expectEqual, expectRejects, Inbox, signalR, withTimeout } from './harness.mjs';
import { expectUsable } from './invocations.mjs';

/** The error a stream ends with (the test fails if it completes instead). */
async function streamError(streamResult, what) {
    const { done } = collectStream(streamResult);
    try {
        const items = await withTimeout(done, 5_000, `the end of ${what}`);
        throw new Error(`${what} completed with ${JSON.stringify(items)} instead of failing`);
    } catch (e) {
        if (e.items === undefined) throw e;
        expectEqual(e.items, [], `items of ${what} before its error`);
        return e;
    }
}

export default function define(test, ctx) {
    test("Stream yields 'a', 'b', 'c' and completes", async () => {
        const c = await ctx.connected();
        const { done } = collectStream(c.stream('Stream'));
        expectEqual(await withTimeout(done, 5_000, 'the stream to complete'), ['a', 'b', 'c'], 'stream items');
    });

    test('the stream method name matches case-insensitively', async () => {
        const c = await ctx.connected();
        const { done } = collectStream(c.stream('sTrEaM'));
        expectEqual(await withTimeout(done, 5_000, 'the stream to complete'), ['a', 'b', 'c'], 'stream items');
    });

    test('EmptyStream completes without items', async () => {
        const c = await ctx.connected();
        const { done } = collectStream(c.stream('EmptyStream'));
        expectEqual(await withTimeout(done, 5_000, 'the stream to complete'), [], 'stream items');
    });

    test('ten streams at once each get their own items', async () => {
        const c = await ctx.connected();
        const all = Array.from({ length: 10 }, () => collectStream(c.stream('Stream')).done);
        expectEqual(await withTimeout(Promise.all(all), 5_000, 'the streams to complete'),
            Array.from({ length: 10 }, () => ['a', 'b', 'c']), 'items of each stream');
    });

    test('StreamThrowException: the stream ends with an error naming the method and the exception', async () => {
        const c = await ctx.connected();
        const e = await streamError(c.stream('StreamThrowException', 'An error occurred.'), 'StreamThrowException');
        expectEqual(e.message,
            "An unexpected error occurred invoking 'StreamThrowException' on the server. InvalidOperationException: An error occurred.",
            'stream error');
        await expectUsable(c);
    });

    test('invoke() of a streaming method is refused', async () => {
        const c = await ctx.connected();
        await expectRejects(c.invoke('EmptyStream'),
            "The client attempted to invoke the streaming 'EmptyStream' method with a non-streaming invocation.",
            "invoke('EmptyStream')");
        await expectRejects(c.invoke('Stream'),
            "The client attempted to invoke the streaming 'Stream' method with a non-streaming invocation.",
            "invoke('Stream')");
        await expectUsable(c);
    });

    test('stream() of a method that does not stream is refused', async () => {
        const c = await ctx.connected();
        const e = await streamError(c.stream('Echo', '42'), "stream('Echo')");
        expectEqual(e.message,
            "The client attempted to invoke the non-streaming 'Echo' method with a streaming invocation.", 'stream error');
        await expectUsable(c);
    });

    test('stream() of an unknown method is refused', async () => {
        const c = await ctx.connected();
        const e = await streamError(c.stream('NoSuchStream'), "stream('NoSuchStream')");
        expectEqual(e.message,
            "Failed to invoke 'NoSuchStream' due to an error on the server. HubException: Method does not exist.",
            'stream error');
        await expectUsable(c);
    });

    test("cancelling InfiniteStream (dispose()) cancels the server's method, which calls 'StreamCanceled'", async () => {
        const c = ctx.hub();
        const canceled = new Inbox();
        c.on('StreamCanceled', (...args) => canceled.push(args));
        await c.start();
        const items = [];
        const ended = deferred();
        const subscription = c.stream('InfiniteStream').subscribe({
            next: (item) => items.push(item),
            complete: () => ended.resolve('complete'),
            error: (e) => ended.resolve(`error: ${e.message}`),
        });
        // A round trip first, so the stream is running on the server when the cancel arrives.
        await expectUsable(c, 'the connection with a stream open');
        subscription.dispose();
        expectEqual(await canceled.next("the 'StreamCanceled' call"), [], "arguments of 'StreamCanceled'");
        expectEqual(items, [], 'items received');
        await expectUsable(c, 'the connection after the cancel');
    });

    test('a stream cancelled at once (dispose() right after stream()) still reaches StreamCanceled', async () => {
        const c = ctx.hub();
        const canceled = new Inbox();
        c.on('StreamCanceled', () => canceled.push(true));
        await c.start();
        c.stream('InfiniteStream').subscribe({ next: () => {}, complete: () => {}, error: () => {} }).dispose();
        await canceled.next("the 'StreamCanceled' call");
        await expectUsable(c);
    });

    test('invocations are answered while a stream is open', async () => {
        const c = await ctx.connected();
        const subscription = c.stream('InfiniteStream').subscribe({ next: () => {}, complete: () => {}, error: () => {} });
        const results = await Promise.all([c.invoke('Echo', 'one'), c.invoke('Echo', 'two')]);
        expectEqual(results, ['one', 'two'], 'Echo results');
        subscription.dispose();
    });

    test('StreamingConcat concatenates what the client streams', async () => {
        const c = await ctx.connected();
        const subject = new signalR.Subject();
        const result = c.invoke('StreamingConcat', subject);
        subject.next('Hello ');
        subject.next('world');
        subject.next('!');
        subject.complete();
        expectEqual(await result, 'Hello world!', 'StreamingConcat result');
    });

    test('StreamingConcat of an empty client stream is an empty string', async () => {
        const c = await ctx.connected();
        const subject = new signalR.Subject();
        const result = c.invoke('StreamingConcat', subject);
        subject.complete();
        expectEqual(await result, '', 'StreamingConcat result');
    });

    // The reference runs methods with stream parameters outside the per-connection invocation limit
    // (DefaultHubDispatcher.cs: "Streaming invocations aren't involved with the semaphore"), so other
    // calls, and the stream's own items, keep flowing while one is open.
    test('a call is answered while a client-to-server stream is still open', async () => {
        const c = await ctx.connected();
        const subject = new signalR.Subject();
        const result = c.invoke('StreamingConcat', subject);
        subject.next('x');
        expectEqual(await withTimeout(c.invoke('Echo', 'during'), 3_000, 'the answer to Echo while the upload is open'),
            'during', 'Echo result');
        subject.complete();
        expectEqual(await withTimeout(result, 3_000, 'the StreamingConcat result'), 'x', 'StreamingConcat result');
    });

    test('StreamingConcat of 500 items sent over time keeps their order', async () => {
        const c = await ctx.connected();
        const subject = new signalR.Subject();
        const result = c.invoke('StreamingConcat', subject);
        let expected = '';
        for (let i = 0; i < 500; ++i) {
            const item = `${i},`;
            expected += item;
            subject.next(item);
            if (i % 100 === 99) { // calls interleaved with the items
                await withTimeout(c.invoke('Echo', 'meanwhile'), 3_000, `the answer to Echo after item ${i}`);
            }
        }
        subject.complete();
        // Over long polling each item is a POST of its own, 500 in a row: seconds on a loaded machine.
        expectEqual(await withTimeout(result, 10_000, 'the StreamingConcat result'), expected, 'StreamingConcat result');
    }, { timeoutMs: 20_000 });

    test('StreamingConcat: an error from the client stream becomes a HubException', async () => {
        const c = await ctx.connected();
        const subject = new signalR.Subject();
        const result = c.invoke('StreamingConcat', subject);
        subject.next('Hello ');
        subject.next('world');
        subject.error(new Error('Something bad'));
        await expectRejects(result,
            "An unexpected error occurred invoking 'StreamingConcat' on the server. HubException: Something bad",
            'StreamingConcat');
        await expectUsable(c);
    });

    test('two client streams at once are kept apart', async () => {
        const c = await ctx.connected();
        const first = new signalR.Subject();
        const second = new signalR.Subject();
        const a = c.invoke('StreamingConcat', first);
        const b = c.invoke('StreamingConcat', second);
        for (let i = 0; i < 5; ++i) {
            first.next(`a${i}`);
            second.next(`b${i}`);
        }
        second.complete();
        first.complete();
        expectEqual(await withTimeout(Promise.all([a, b]), 3_000, 'the two StreamingConcat results'),
            ['a0a1a2a3a4', 'b0b1b2b3b4'], 'results');
    });
}
