// Streams in both directions: server-to-client streams (items, completion, errors, cancellation) and
// client-to-server streams (a ChannelReader or an IAsyncEnumerable as an argument) (../hub/streams.mjs).

using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalrppDotnetClient;

public static class StreamTests
{
    private static readonly TimeSpan StreamLimit = TimeSpan.FromSeconds(5);

    /// The items of a server stream, once it completes (within 5 s).
    private static Task<List<string>> Collect(IAsyncEnumerable<string> stream, string what) =>
        TestRunner.Within(StreamLimit, what, CollectAll(stream));

    private static async Task<List<string>> CollectAll(IAsyncEnumerable<string> stream)
    {
        var items = new List<string>();
        await foreach (var item in stream)
        {
            items.Add(item);
        }
        return items;
    }

    /// A server stream that must end with a HubException `message` before any item.
    private static async Task ExpectStreamError(IAsyncEnumerable<string> stream, string message, string what)
    {
        var items = new List<string>();
        var enumeration = Task.Run(async () =>
        {
            await foreach (var item in stream)
            {
                items.Add(item);
            }
        });
        await Expect.HubError(TestRunner.Within(StreamLimit, $"the end of {what}", enumeration), message, what);
        Expect.Sequence(items, [], $"items of {what} before its error");
    }

    public static void Define(TestList tests)
    {
        tests.Add("Stream yields 'a', 'b', 'c' and completes", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Sequence(await Collect(c.StreamAsync<string>("Stream"), "the stream to complete"), ["a", "b", "c"], "stream items");
        });

        tests.Add("the stream method name matches case-insensitively", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Sequence(await Collect(c.StreamAsync<string>("sTrEaM"), "the stream to complete"), ["a", "b", "c"], "stream items");
        });

        tests.Add("EmptyStream completes without items", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Sequence(await Collect(c.StreamAsync<string>("EmptyStream"), "the stream to complete"), [], "stream items");
        });

        tests.Add("ten streams at once each get their own items", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var all = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Collect(c.StreamAsync<string>("Stream"), "the streams to complete")));
            Expect.Sequence(all.Select(items => string.Join(",", items)), Enumerable.Repeat("a,b,c", 10), "items of each stream");
        });

        tests.Add("StreamThrowException: the stream ends with an error naming the method and the exception", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await ExpectStreamError(c.StreamAsync<string>("StreamThrowException", "An error occurred."),
                "An unexpected error occurred invoking 'StreamThrowException' on the server. InvalidOperationException: An error occurred.",
                "StreamThrowException");
            await InvocationTests.ExpectUsable(c);
        });

        tests.Add("InvokeAsync of a streaming method is refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync<object?>("EmptyStream"),
                "The client attempted to invoke the streaming 'EmptyStream' method with a non-streaming invocation.",
                "InvokeAsync(\"EmptyStream\")");
            await Expect.HubError(c.InvokeAsync<object?>("Stream"),
                "The client attempted to invoke the streaming 'Stream' method with a non-streaming invocation.",
                "InvokeAsync(\"Stream\")");
            await InvocationTests.ExpectUsable(c);
        });

        tests.Add("StreamAsync of a method that does not stream is refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await ExpectStreamError(c.StreamAsync<string>("Echo", "42"),
                "The client attempted to invoke the non-streaming 'Echo' method with a streaming invocation.",
                "StreamAsync(\"Echo\")");
            await InvocationTests.ExpectUsable(c);
        });

        tests.Add("StreamAsync of an unknown method is refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await ExpectStreamError(c.StreamAsync<string>("NoSuchStream"),
                "Failed to invoke 'NoSuchStream' due to an error on the server. HubException: Method does not exist.",
                "StreamAsync(\"NoSuchStream\")");
            await InvocationTests.ExpectUsable(c);
        });

        tests.Add("cancelling InfiniteStream cancels the server's method, which calls 'StreamCanceled'", async ctx =>
        {
            var c = ctx.Hub();
            var canceled = new Inbox<bool>();
            c.On("StreamCanceled", () => canceled.Push(true));
            await c.StartAsync();
            using var cancel = new CancellationTokenSource();
            var reader = await c.StreamAsChannelAsync<string>("InfiniteStream", cancel.Token);
            // A round trip first, so the stream is running on the server when the cancel arrives.
            await InvocationTests.ExpectUsable(c, "the connection with a stream open");
            cancel.Cancel();
            await canceled.NextAsync("the 'StreamCanceled' call");
            Expect.Equal(reader.TryRead(out var item), false, $"an item was received ({Expect.Show(item)})");
            await InvocationTests.ExpectUsable(c, "the connection after the cancel");
        });

        tests.Add("a stream cancelled at once still reaches StreamCanceled", async ctx =>
        {
            var c = ctx.Hub();
            var canceled = new Inbox<bool>();
            c.On("StreamCanceled", () => canceled.Push(true));
            await c.StartAsync();
            using var cancel = new CancellationTokenSource();
            await c.StreamAsChannelAsync<string>("InfiniteStream", cancel.Token);
            cancel.Cancel();
            await canceled.NextAsync("the 'StreamCanceled' call");
            await InvocationTests.ExpectUsable(c);
        });

        tests.Add("invocations are answered while a stream is open", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            using var cancel = new CancellationTokenSource();
            await c.StreamAsChannelAsync<string>("InfiniteStream", cancel.Token);
            var results = await Task.WhenAll(c.InvokeAsync<string>("Echo", "one"), c.InvokeAsync<string>("Echo", "two"));
            Expect.Sequence(results, ["one", "two"], "Echo results");
            cancel.Cancel();
        });

        tests.Add("StreamingConcat concatenates what the client streams (a ChannelReader)", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var channel = Channel.CreateUnbounded<string>();
            var result = c.InvokeAsync<string>("StreamingConcat", channel.Reader);
            await channel.Writer.WriteAsync("Hello ");
            await channel.Writer.WriteAsync("world");
            await channel.Writer.WriteAsync("!");
            channel.Writer.Complete();
            Expect.Equal(await result, "Hello world!", "StreamingConcat result");
        });

        tests.Add("StreamingConcat of an IAsyncEnumerable", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            static async IAsyncEnumerable<string> Parts()
            {
                foreach (var part in new[] { "one ", "two ", "three" })
                {
                    await Task.Yield();
                    yield return part;
                }
            }
            Expect.Equal(await c.InvokeAsync<string>("StreamingConcat", Parts()), "one two three", "StreamingConcat result");
        });

        tests.Add("StreamingConcat of an empty client stream is an empty string", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var channel = Channel.CreateUnbounded<string>();
            var result = c.InvokeAsync<string>("StreamingConcat", channel.Reader);
            channel.Writer.Complete();
            Expect.Equal(await result, "", "StreamingConcat result");
        });

        tests.Add("a call is answered while a client-to-server stream is still open", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var channel = Channel.CreateUnbounded<string>();
            var result = c.InvokeAsync<string>("StreamingConcat", channel.Reader);
            await channel.Writer.WriteAsync("x");
            Expect.Equal(await TestRunner.Within(TimeSpan.FromSeconds(3), "the answer to Echo while the upload is open",
                c.InvokeAsync<string>("Echo", "during")), "during", "Echo result");
            channel.Writer.Complete();
            Expect.Equal(await TestRunner.Within(TimeSpan.FromSeconds(3), "the StreamingConcat result", result), "x",
                "StreamingConcat result");
        });

        tests.Add("StreamingConcat of 500 items sent over time keeps their order", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var channel = Channel.CreateUnbounded<string>();
            var result = c.InvokeAsync<string>("StreamingConcat", channel.Reader);
            var expected = "";
            for (var i = 0; i < 500; ++i)
            {
                var item = $"{i},";
                expected += item;
                await channel.Writer.WriteAsync(item);
                if (i % 100 == 99) // calls interleaved with the items
                {
                    await TestRunner.Within(TimeSpan.FromSeconds(3), $"the answer to Echo after item {i}",
                        c.InvokeAsync<string>("Echo", "meanwhile"));
                }
            }
            channel.Writer.Complete();
            // Over long polling each item may be a POST of its own: seconds on a loaded machine.
            Expect.Equal(await TestRunner.Within(TimeSpan.FromSeconds(10), "the StreamingConcat result", result), expected,
                "StreamingConcat result");
        }, TimeSpan.FromSeconds(20));

        tests.Add("StreamingConcat: an error from the client stream becomes a HubException", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var channel = Channel.CreateUnbounded<string>();
            var result = c.InvokeAsync<string>("StreamingConcat", channel.Reader);
            await channel.Writer.WriteAsync("Hello ");
            await channel.Writer.WriteAsync("world");
            channel.Writer.Complete(new InvalidOperationException("Something bad"));
            // The .NET client sends the exception's ToString(), stack trace included.
            var e = await Expect.Throws<Microsoft.AspNetCore.SignalR.HubException>(result, null, "StreamingConcat");
            const string start = "An unexpected error occurred invoking 'StreamingConcat' on the server. HubException: " +
                "Stream errored by client: 'System.InvalidOperationException: Something bad\n";
            Expect.True(e.Message.StartsWith(start, StringComparison.Ordinal),
                $"StreamingConcat: error message: expected {Expect.Show(start)} and a stack trace, got {Expect.Show(e.Message)}");
            await InvocationTests.ExpectUsable(c);
        });

        tests.Add("two client streams at once are kept apart", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var first = Channel.CreateUnbounded<string>();
            var second = Channel.CreateUnbounded<string>();
            var a = c.InvokeAsync<string>("StreamingConcat", first.Reader);
            var b = c.InvokeAsync<string>("StreamingConcat", second.Reader);
            for (var i = 0; i < 5; ++i)
            {
                await first.Writer.WriteAsync($"a{i}");
                await second.Writer.WriteAsync($"b{i}");
            }
            second.Writer.Complete();
            first.Writer.Complete();
            var results = await TestRunner.Within(TimeSpan.FromSeconds(3), "the two StreamingConcat results", Task.WhenAll(a, b));
            Expect.Sequence(results, ["a0a1a2a3a4", "b0b1b2b3b4"], "results");
        });
    }
}
