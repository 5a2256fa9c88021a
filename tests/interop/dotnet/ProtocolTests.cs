// A hub protocol the transport cannot carry: MessagePack is binary, Server-Sent Events carry text only,
// so the client refuses to start (the negotiate response lists ServerSentEvents with the Text format only).

namespace SignalrppDotnetClient;

public static class ProtocolTests
{
    public static void DefineRefusal(TestList tests)
    {
        tests.Add("MessagePack over ServerSentEvents: the client refuses to start", async ctx =>
        {
            var c = ctx.Hub();
            await Expect.Throws<AggregateException>(c.StartAsync(),
                "Unable to connect to the server with any of the available transports. " +
                "(WebSockets failed: The transport is disabled by the client.) " +
                "(ServerSentEvents failed: The transport does not support the 'Binary' transfer format.) " +
                "(LongPolling failed: The transport is disabled by the client.)",
                "StartAsync");
            Expect.Equal(c.State, Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, "state");
        });
    }
}
