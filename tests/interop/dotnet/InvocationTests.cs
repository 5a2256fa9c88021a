// Invocations of /testhub methods and the errors they produce, server-to-client calls, and the
// connection's life cycle as the client sees it (../hub/invocations.mjs).

using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalrppDotnetClient;

public static class InvocationTests
{
    private const string Text = "你好，世界！ \U0001F600 \"quoted\" \\ back\\slash, tab\tand\nline break";

    // The errors are worded as ASP.NET Core words them with detailed errors on.
    private const string BindingError = "Failed to invoke 'Echo' due to an error on the server. InvalidDataException: " +
        "Error binding arguments. Make sure that the types of the provided values match the types of the hub method being invoked.";

    private static readonly DateTime Utc2002 = new(2002, 4, 1, 10, 20, 15, DateTimeKind.Utc);

    /// Fails unless `connection` still answers an Echo.
    public static async Task ExpectUsable(HubConnection connection, string what = "the connection") =>
        Expect.Equal(await connection.InvokeAsync<string>("Echo", "still here"), "still here", $"Echo on {what} afterwards");

    public static void Define(TestList tests, HttpTransportType transport)
    {
        tests.Add("Echo returns its argument (Unicode, quotes, backslashes, control characters)", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Equal(await c.InvokeAsync<string>("Echo", Text), Text, "Echo result");
            Expect.Equal(await c.InvokeAsync<string>("Echo", ""), "", "Echo of an empty string");
        });

        tests.Add("hub method names match case-insensitively", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Equal(await c.InvokeAsync<string>("echo", "lower"), "lower", "InvokeAsync(\"echo\")");
            Expect.Equal(await c.InvokeAsync<string>("ECHO", "upper"), "upper", "InvokeAsync(\"ECHO\")");
        });

        tests.Add("Echo of a 20 000-character string", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var big = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + i % 26)));
            Expect.Equal(await c.InvokeAsync<string>("Echo", big), big, "Echo result");
        });

        tests.Add("100 invocations in flight at once each get their own result", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var sent = Enumerable.Range(0, 100).Select(i => $"call {i}").ToList();
            var results = await Task.WhenAll(sent.Select(s => c.InvokeAsync<string>("Echo", s)));
            Expect.Sequence(results, sent, "results in the order of the calls");
        });

        tests.Add("SendAsync (no result expected) completes, and later calls are answered", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await c.SendAsync("Echo", "fire and forget");
            Expect.Equal(await c.InvokeAsync<string>("Echo", "after send"), "after send", "Echo after SendAsync");
        });

        tests.Add("InvokeWithString (a void method) answers null and calls the caller's 'Message' handler", async ctx =>
        {
            var c = ctx.Hub();
            var received = new Inbox<string>();
            c.On<string>("Message", received.Push);
            await c.StartAsync();
            const string message = "你好 SignalR！";
            Expect.Equal(await c.InvokeAsync<object?>("InvokeWithString", message), null, "InvokeWithString result");
            Expect.Equal(await received.NextAsync("the 'Message' call"), message, "argument of 'Message'");
        });

        tests.Add("InvokeWithString through SendAsync still reaches the caller's handler", async ctx =>
        {
            var c = ctx.Hub();
            var received = new Inbox<string>();
            c.On<string>("Message", received.Push);
            await c.StartAsync();
            await c.SendAsync("InvokeWithString", "sent without an id");
            Expect.Equal(await received.NextAsync("the 'Message' call"), "sent without an id", "argument of 'Message'");
        });

        tests.Add("SendCustomObject calls the caller's 'CustomObject' handler with {Name, Value}", async ctx =>
        {
            var c = ctx.Hub();
            var received = new Inbox<CustomObject>();
            c.On<CustomObject>("CustomObject", received.Push);
            await c.StartAsync();
            await c.InvokeAsync("SendCustomObject", new CustomObject { Name = "test", Value = 42 });
            Expect.Equal(await received.NextAsync("the 'CustomObject' call"), new CustomObject { Name = "test", Value = 42 },
                "argument of 'CustomObject'");
        });

        tests.Add("EchoComplexObject returns the object unchanged (bytes, a Guid, a UTC time)", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var sent = new ComplexObject
            {
                String = "Hello, World!",
                IntArray = [1, 2, 3, 255],
                ByteArray = "hello"u8.ToArray(),
                Guid = Guid.Parse("00010203-0405-0607-0706-050403020100"),
                DateTime = Utc2002,
            };
            var back = await c.InvokeAsync<ComplexObject>("EchoComplexObject", sent);
            Expect.Equal(back.ToString(), sent.ToString(), "EchoComplexObject result");
        });

        tests.Add("SendComplexObject returns the fixed object", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var expected = new ComplexObject
            {
                String = "hello world",
                IntArray = [1, 2, 3],
                ByteArray = [1, 2, 3],
                Guid = Guid.Parse("00010203-0405-0607-0706-050403020100"),
                DateTime = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            };
            var got = await c.InvokeAsync<ComplexObject>("SendComplexObject");
            Expect.Equal(got.ToString(), expected.ToString(), "SendComplexObject result");
        });

        tests.Add($"GetActiveTransportName answers '{transport}'", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Equal(await c.InvokeAsync<string>("GetActiveTransportName"), ctx.Transport.ToString(), "transport name");
        });

        tests.Add("ConnectionId is the server's connection id while connected, null before and after", async ctx =>
        {
            var c = ctx.Hub();
            Expect.Equal(c.ConnectionId, null, "ConnectionId before StartAsync");
            await c.StartAsync();
            Expect.Equal(c.State, HubConnectionState.Connected, "state after StartAsync");
            Expect.True(!string.IsNullOrEmpty(c.ConnectionId), "ConnectionId after StartAsync is a non-empty string");
            Expect.Equal(await c.InvokeAsync<string>("GetCallerConnectionId"), c.ConnectionId, "GetCallerConnectionId");
            await c.StopAsync();
            Expect.Equal(c.ConnectionId, null, "ConnectionId after StopAsync");
            Expect.Equal(c.State, HubConnectionState.Disconnected, "state after StopAsync");
        });

        tests.Add("two connections get different ids", async ctx =>
        {
            var a = await ctx.ConnectedAsync();
            var b = await ctx.ConnectedAsync();
            var idA = await a.InvokeAsync<string>("GetCallerConnectionId");
            var idB = await b.InvokeAsync<string>("GetCallerConnectionId");
            Expect.True(idA != idB, $"the ids differ (both {Expect.Show(idA)})");
        });

        tests.Add("StopAsync closes without an error (Closed gets null)", async ctx =>
        {
            var c = ctx.Hub();
            var closed = new TaskCompletionSource<Exception?>();
            c.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };
            await c.StartAsync();
            await c.InvokeAsync<string>("Echo", "x");
            await c.StopAsync();
            Expect.Equal(await TestRunner.Within(TimeSpan.FromSeconds(5), "Closed", closed.Task), null, "Closed argument");
        });

        tests.Add("a stopped connection starts again with a new id and keeps its handlers", async ctx =>
        {
            var c = ctx.Hub();
            var received = new Inbox<string>();
            c.On<string>("Message", received.Push);
            await c.StartAsync();
            var first = c.ConnectionId;
            await c.InvokeAsync("InvokeWithString", "first");
            Expect.Equal(await received.NextAsync("'Message' on the first connection"), "first", "first message");
            await c.StopAsync();
            await c.StartAsync();
            Expect.True(c.ConnectionId != first, "the restarted connection has a new id");
            Expect.Equal(await c.InvokeAsync<string>("GetCallerConnectionId"), c.ConnectionId, "GetCallerConnectionId after restart");
            await c.InvokeAsync("InvokeWithString", "second");
            Expect.Equal(await received.NextAsync("'Message' on the restarted connection"), "second", "second message");
        });

        tests.Add("ThrowException: the error names the method and the exception", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync("ThrowException", "An error occurred."),
                "An unexpected error occurred invoking 'ThrowException' on the server. InvalidOperationException: An error occurred.",
                "ThrowException");
            await ExpectUsable(c);
        });

        tests.Add("an error names the method as the hub declares it, in whatever case the client called it", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync("throwEXCEPTION", "spelled differently"),
                "An unexpected error occurred invoking 'ThrowException' on the server. InvalidOperationException: spelled differently",
                "throwEXCEPTION");
        });

        tests.Add("an unknown method is refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync("NoSuchMethod", 1, 2),
                "Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist.",
                "NoSuchMethod");
            await ExpectUsable(c);
        });

        tests.Add("too many arguments are refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync<string>("Echo", "one", "two"),
                "Failed to invoke 'Echo' due to an error on the server. InvalidDataException: Invocation provides 2 argument(s) but target expects 1.",
                "Echo with two arguments");
            await ExpectUsable(c);
        });

        tests.Add("too few arguments are refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync<string>("Echo"),
                "Failed to invoke 'Echo' due to an error on the server. InvalidDataException: Invocation provides 0 argument(s) but target expects 1.",
                "Echo without arguments");
            await ExpectUsable(c);
        });

        tests.Add("an argument of the wrong type is refused", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            await Expect.HubError(c.InvokeAsync<string>("Echo", 42), BindingError, "Echo(42)");
            await Expect.HubError(c.InvokeAsync<string>("Echo", new CustomObject { Name = "x" }), BindingError, "Echo({Name, Value})");
            await Expect.HubError(c.InvokeAsync<string>("Echo", new[] { "x" }), BindingError, "Echo([\"x\"])");
            await ExpectUsable(c);
        });

        // The receive loop refuses a message over MaximumReceiveMessageSize (32 KiB by default) and
        // closes the connection with a Close message carrying the error.
        tests.Add("a message over 32 KiB closes the connection with the size error", async ctx =>
        {
            var c = ctx.Hub();
            var closed = new TaskCompletionSource<Exception?>();
            c.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };
            await c.StartAsync();
            const string expected = "The server closed the connection with the following error: Connection closed with an error. " +
                "InvalidDataException: The maximum message size of 32768B was exceeded. The message size can be configured in AddHubOptions.";
            await Expect.HubError(c.InvokeAsync<string>("Echo", new string('x', 40_000)), expected, "Echo of 40 000 characters");
            var error = await TestRunner.Within(TimeSpan.FromSeconds(5), "Closed", closed.Task);
            Expect.Equal(error?.Message, expected, "the Closed error");
            Expect.Equal(c.State, HubConnectionState.Disconnected, "state");
        });

        tests.Add("a new connection starts right after the server closed one", async ctx =>
        {
            var a = ctx.Hub();
            var closed = new TaskCompletionSource<Exception?>();
            a.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };
            await a.StartAsync();
            try
            {
                await a.InvokeAsync<string>("Echo", new string('x', 40_000));
            }
            catch (Exception)
            {
                // the size error, checked above
            }
            await TestRunner.Within(TimeSpan.FromSeconds(5), "Closed", closed.Task);
            var b = await ctx.ConnectedAsync();
            await ExpectUsable(b, "the new connection");
        });

        tests.Add("errors and results of calls in flight together reach the right callers", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            var calls = Enumerable.Range(0, 20).Select(async i =>
            {
                try
                {
                    return i % 2 == 0
                        ? "result " + await c.InvokeAsync<string>("Echo", $"ok {i}")
                        : "result " + await c.InvokeAsync<string>("ThrowException", $"bad {i}");
                }
                catch (Microsoft.AspNetCore.SignalR.HubException e)
                {
                    return "error " + e.Message;
                }
            });
            var outcomes = await Task.WhenAll(calls);
            var expected = Enumerable.Range(0, 20).Select(i => i % 2 == 0
                ? $"result ok {i}"
                : $"error An unexpected error occurred invoking 'ThrowException' on the server. InvalidOperationException: bad {i}");
            Expect.Sequence(outcomes, expected, "outcomes");
        });

        // /testhub-nowebsockets offers Server-Sent Events and long polling only.
        if (transport == HttpTransportType.WebSockets)
        {
            tests.Add("/testhub-nowebsockets refuses a client that allows WebSockets only", async ctx =>
            {
                var c = ctx.Hub("/testhub-nowebsockets");
                await Expect.Throws<AggregateException>(c.StartAsync(),
                    "Unable to connect to the server with any of the available transports. " +
                    "(ServerSentEvents failed: The transport is disabled by the client.) " +
                    "(LongPolling failed: The transport is disabled by the client.)",
                    "StartAsync");
            });
        }
        else
        {
            tests.Add($"/testhub-nowebsockets serves {transport}", async ctx =>
            {
                var c = await ctx.ConnectedAsync("/testhub-nowebsockets");
                Expect.Equal(await c.InvokeAsync<string>("GetActiveTransportName"), ctx.Transport.ToString(), "transport name");
                Expect.Equal(await c.InvokeAsync<string>("Echo", Text), Text, "Echo result");
            });
        }
    }
}
