// The hubs of the reference server: the same methods, under the same names, as the hubs of
// tests/interop/testhub_server.cpp (test_hub, authorized_hub, chat_hub).

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace SignalrppReference;

// Serialized with PascalCase names (the server turns the protocol's camelCase policy off).
public sealed class CustomObject
{
    public string Name { get; set; } = "";
    public int Value { get; set; }
}

public sealed class ComplexObject
{
    public string String { get; set; } = "";
    public int[] IntArray { get; set; } = [];
    public byte[] ByteArray { get; set; } = [];
    public Guid Guid { get; set; }
    public DateTime DateTime { get; set; }
}

/// Served at /testhub and /testhub-nowebsockets.
public sealed class TestHub : Hub
{
    public string Echo(string message) => message;

    public string GetCallerConnectionId() => Context.ConnectionId;

    public int GetNumRedirects()
    {
        var value = Context.GetHttpContext()?.Request.Query["numRedirects"].ToString();
        return int.TryParse(value, out var n) ? n : 0;
    }

    public void ThrowException(string message) => throw new InvalidOperationException(message);

    public Task InvokeWithString(string message) => Clients.Caller.SendAsync("Message", message);

    public Task SendCustomObject(CustomObject customObject) => Clients.Caller.SendAsync("CustomObject", customObject);

    public async IAsyncEnumerable<string> Stream()
    {
        foreach (var item in new[] { "a", "b", "c" })
        {
            yield return item;
        }
        await Task.CompletedTask;
    }

    // Yields nothing; the client's cancellation (or its going away) ends the wait, and then the
    // caller hears "StreamCanceled".
    public async IAsyncEnumerable<string> InfiniteStream([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var caller = Clients.Caller;
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
        await caller.SendAsync("StreamCanceled");
        yield break;
    }

    public async Task<string> StreamingConcat(ChannelReader<string> parts)
    {
        var all = new System.Text.StringBuilder();
        await foreach (var part in parts.ReadAllAsync())
        {
            all.Append(part);
        }
        return all.ToString();
    }

    public ChannelReader<string> EmptyStream()
    {
        var channel = Channel.CreateUnbounded<string>();
        channel.Writer.TryComplete();
        return channel.Reader;
    }

    // Throws before any stream exists, so the error is the invocation's, not the stream's.
    public ChannelReader<string> StreamThrowException(string message) => throw new InvalidOperationException(message);

    public string GetActiveTransportName() =>
        Context.Features.Get<IHttpTransportFeature>()?.TransportType.ToString() ?? "unknown";

    public ComplexObject EchoComplexObject(ComplexObject complexObject) => complexObject;

    public ComplexObject SendComplexObject() => new()
    {
        String = "hello world",
        IntArray = [1, 2, 3],
        ByteArray = [1, 2, 3],
        Guid = Guid.Parse("00010203-0405-0607-0706-050403020100"),
        DateTime = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    public string? GetHeader(string name)
    {
        var values = Context.GetHttpContext()?.Request.Headers[name];
        return values is { Count: > 0 } v ? v.ToString() : null;
    }

    public string? GetCookie(string name) => Context.GetHttpContext()?.Request.Cookies[name];
}

/// Served at /authorizedhub, for holders of a token from /generateJwtToken.
[Authorize]
public sealed class AuthorizedHub : Hub
{
    public string Echo(string message) => message;
}

/// Served at /chathub: rooms (groups), broadcasts and whispers. Groups are left on disconnect by
/// the runtime.
public sealed class ChatHub : Hub
{
    public Task JoinRoom(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    public Task LeaveRoom(string room) => Groups.RemoveFromGroupAsync(Context.ConnectionId, room);

    public Task SendToRoom(string room, string text) =>
        Clients.OthersInGroup(room).SendAsync("message", Context.ConnectionId, room, text);

    public Task Broadcast(string text) => Clients.All.SendAsync("broadcast", Context.ConnectionId, text);

    public Task Whisper(string connectionId, string text) =>
        Clients.Client(connectionId).SendAsync("whisper", Context.ConnectionId, text);
}

/// The benchmark hub at /hub: hub-echo-server's contract (bench/hub/hub_echo_server.cpp), so that
/// bench/hub/compare_hub.py and bench/hub/broadcast_compare.py load ASP.NET Core with the same ws-load
/// runs as our hub.
public sealed class EchoHub : Hub
{
    public string Echo(string text) => text;

    public Task JoinGroup(string name) => Groups.AddToGroupAsync(Context.ConnectionId, name);

    public Task Broadcast(string payload) => Clients.All.SendAsync("tick", payload);
}
