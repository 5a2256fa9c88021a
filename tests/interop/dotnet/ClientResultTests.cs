// Client results: GET /clientresult/{connectionId} makes the server invoke the client method 'Result'
// on that connection and answers with the client's result, or with the error's text
// (../hub/client_results.mjs).

using Microsoft.AspNetCore.SignalR.Client;

namespace SignalrppDotnetClient;

public static class ClientResultTests
{
    private static async Task<string> AskForResult(SuiteContext ctx, string? connectionId)
    {
        var url = $"{ctx.BaseUrl}/clientresult/{Uri.EscapeDataString(connectionId ?? "")}";
        return await TestRunner.Within(TimeSpan.FromSeconds(8), "the answer of /clientresult", ctx.Http.GetStringAsync(url));
    }

    public static void Define(TestList tests)
    {
        tests.Add("the server gets the value the client's 'Result' handler returns", async ctx =>
        {
            var c = ctx.Hub();
            c.On("Result", () => 10);
            await c.StartAsync();
            Expect.Equal(await AskForResult(ctx, c.ConnectionId), "10", "body of /clientresult");
        });

        tests.Add("the server waits for a handler that answers later (a Task)", async ctx =>
        {
            var c = ctx.Hub();
            c.On("Result", async () =>
            {
                await Task.Delay(200);
                return 42;
            });
            await c.StartAsync();
            Expect.Equal(await AskForResult(ctx, c.ConnectionId), "42", "body of /clientresult");
        });

        tests.Add("a handler that throws gives the server the error text", async ctx =>
        {
            var c = ctx.Hub();
            c.On("Result", (Func<int>)(() => throw new InvalidOperationException("from callback")));
            await c.StartAsync();
            Expect.Equal(await AskForResult(ctx, c.ConnectionId), "from callback", "body of /clientresult");
        });

        tests.Add("a connection without a 'Result' handler answers that it provided no result", async ctx =>
        {
            var c = await ctx.ConnectedAsync();
            Expect.Equal(await AskForResult(ctx, c.ConnectionId), "Client didn't provide a result.", "body of /clientresult");
        });

        tests.Add("results for several connections asked at once go to the right requests", async ctx =>
        {
            var connections = new List<HubConnection>();
            for (var i = 0; i < 4; ++i)
            {
                var c = ctx.Hub();
                var value = 100 + i;
                c.On("Result", () => value);
                await c.StartAsync();
                connections.Add(c);
            }
            var answers = await Task.WhenAll(connections.Select(c => AskForResult(ctx, c.ConnectionId)));
            Expect.Sequence(answers, ["100", "101", "102", "103"], "bodies of /clientresult");
        });

        tests.Add("the client keeps answering hub calls while a client result is pending", async ctx =>
        {
            var c = ctx.Hub();
            var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            c.On("Result", () => release.Task);
            await c.StartAsync();
            var answer = AskForResult(ctx, c.ConnectionId);
            Expect.Equal(await c.InvokeAsync<string>("Echo", "meanwhile"), "meanwhile", "Echo while the result is pending");
            release.SetResult(7);
            Expect.Equal(await answer, "7", "body of /clientresult");
        });

        tests.Add("asking an unknown connection answers that it does not exist", async ctx =>
        {
            Expect.Equal(await AskForResult(ctx, "no-such-connection"), "Connection 'no-such-connection' does not exist.",
                "body of /clientresult");
        });

        tests.Add("a connection that goes away before answering makes the server report it disconnected", async ctx =>
        {
            var c = ctx.Hub();
            var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var never = new TaskCompletionSource<int>();
            c.On("Result", () =>
            {
                asked.TrySetResult();
                return never.Task;
            });
            await c.StartAsync();
            var id = c.ConnectionId;
            var answer = AskForResult(ctx, id);
            await TestRunner.Within(TimeSpan.FromSeconds(5), "the 'Result' call", asked.Task);
            await c.StopAsync();
            Expect.Equal(await answer, $"Connection '{id}' disconnected.", "body of /clientresult");
        });
    }
}
