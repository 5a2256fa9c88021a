// /chathub with several clients at once: rooms (groups), broadcasts and whispers, and leaving a room by
// disconnecting (../hub/chat.mjs).
//
// To show that a client did NOT get a call, the sender then broadcasts a marker and each client waits
// for it: a client receives one sender's calls in the order the sender made them, so a call that was
// going to arrive would have arrived before the marker.

using Microsoft.AspNetCore.SignalR.Client;

namespace SignalrppDotnetClient;

public static class ChatTests
{
    /// A started /chathub client whose received calls are queued as "method|argument|...".
    private sealed class ChatClient(string name, HubConnection connection)
    {
        public string Name { get; } = name;
        public HubConnection Connection { get; } = connection;
        public string Id { get; set; } = "";
        public Inbox<string> Inbox { get; } = new();
    }

    private static string Call(params string[] parts) => string.Join("|", parts);

    private static async Task<ChatClient> Client(SuiteContext ctx, string name)
    {
        var client = new ChatClient(name, ctx.Hub("/chathub"));
        client.Connection.On<string, string, string>("message", (from, room, text) => client.Inbox.Push(Call("message", from, room, text)));
        client.Connection.On<string, string>("broadcast", (from, text) => client.Inbox.Push(Call("broadcast", from, text)));
        client.Connection.On<string, string>("whisper", (from, text) => client.Inbox.Push(Call("whisper", from, text)));
        await client.Connection.StartAsync();
        client.Id = client.Connection.ConnectionId ?? "";
        return client;
    }

    private static async Task<ChatClient[]> Clients(SuiteContext ctx, params string[] names)
    {
        var clients = new List<ChatClient>();
        foreach (var name in names)
        {
            clients.Add(await Client(ctx, name));
        }
        return [.. clients];
    }

    /// Broadcasts a marker from `sender` and checks that each client's calls up to it are `expected[name]`
    /// (none where it has no entry).
    private static async Task ExpectCalls(ChatClient sender, ChatClient[] clients, Dictionary<string, string[]> expected,
        string marker)
    {
        await sender.Connection.InvokeAsync("Broadcast", marker);
        foreach (var client in clients)
        {
            var calls = new List<string>();
            for (;;)
            {
                var call = await client.Inbox.NextAsync($"the marker '{marker}' at {client.Name}");
                if (call == Call("broadcast", sender.Id, marker))
                {
                    break;
                }
                calls.Add(call);
            }
            Expect.Sequence(calls, expected.GetValueOrDefault(client.Name, []), $"calls {client.Name} received before '{marker}'");
        }
    }

    public static void Define(TestList tests)
    {
        tests.Add("a room message reaches the other members only", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob", "carol");
            var (alice, bob) = (everyone[0], everyone[1]);
            await alice.Connection.InvokeAsync("JoinRoom", "room1");
            await bob.Connection.InvokeAsync("JoinRoom", "room1");
            Expect.Equal(await alice.Connection.InvokeAsync<object?>("SendToRoom", "room1", "hello room"), null, "SendToRoom result");
            await ExpectCalls(alice, everyone, new() { ["bob"] = [Call("message", alice.Id, "room1", "hello room")] }, "m1");
        });

        tests.Add("a non-member can send to a room; every member receives it", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob", "carol");
            var (alice, bob, carol) = (everyone[0], everyone[1], everyone[2]);
            await alice.Connection.InvokeAsync("JoinRoom", "room2");
            await bob.Connection.InvokeAsync("JoinRoom", "room2");
            await carol.Connection.InvokeAsync("SendToRoom", "room2", "from outside");
            var call = Call("message", carol.Id, "room2", "from outside");
            await ExpectCalls(carol, everyone, new() { ["alice"] = [call], ["bob"] = [call] }, "m2");
        });

        tests.Add("a broadcast reaches everyone, the sender included", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob", "carol");
            var bob = everyone[1];
            Expect.Equal(await bob.Connection.InvokeAsync<object?>("Broadcast", "hi all"), null, "Broadcast result");
            foreach (var client in everyone)
            {
                Expect.Equal(await client.Inbox.NextAsync($"the broadcast at {client.Name}"), Call("broadcast", bob.Id, "hi all"),
                    $"call {client.Name} received");
            }
        });

        tests.Add("a whisper reaches its one addressee", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob", "carol");
            var (alice, carol) = (everyone[0], everyone[2]);
            Expect.Equal(await alice.Connection.InvokeAsync<object?>("Whisper", carol.Id, "psst"), null, "Whisper result");
            await ExpectCalls(alice, everyone, new() { ["carol"] = [Call("whisper", alice.Id, "psst")] }, "m3");
        });

        tests.Add("a whisper to an unknown connection is no error", async ctx =>
        {
            var alice = await Client(ctx, "alice");
            Expect.Equal(await alice.Connection.InvokeAsync<object?>("Whisper", "no-such-connection", "anyone?"), null, "Whisper result");
            await ExpectCalls(alice, [alice], [], "m4");
        });

        tests.Add("rooms are separate, a client may be in several, and joining twice delivers once", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob", "carol");
            var (alice, bob, carol) = (everyone[0], everyone[1], everyone[2]);
            await alice.Connection.InvokeAsync("JoinRoom", "red");
            await bob.Connection.InvokeAsync("JoinRoom", "red");
            await bob.Connection.InvokeAsync("JoinRoom", "red");
            await bob.Connection.InvokeAsync("JoinRoom", "blue");
            await carol.Connection.InvokeAsync("JoinRoom", "blue");
            await alice.Connection.InvokeAsync("SendToRoom", "red", "to red");
            await carol.Connection.InvokeAsync("SendToRoom", "blue", "to blue");
            await ExpectCalls(carol, everyone, new()
            {
                ["bob"] = [Call("message", alice.Id, "red", "to red"), Call("message", carol.Id, "blue", "to blue")],
            }, "m5");
        });

        tests.Add("a member that leaves the room no longer receives its messages", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob");
            var (alice, bob) = (everyone[0], everyone[1]);
            await alice.Connection.InvokeAsync("JoinRoom", "room3");
            await bob.Connection.InvokeAsync("JoinRoom", "room3");
            Expect.Equal(await bob.Connection.InvokeAsync<object?>("LeaveRoom", "room3"), null, "LeaveRoom result");
            await alice.Connection.InvokeAsync("SendToRoom", "room3", "anyone left?");
            await ExpectCalls(alice, everyone, [], "m6");
            Expect.Equal(await bob.Connection.InvokeAsync<object?>("LeaveRoom", "room3"), null, "LeaveRoom of a room not joined");
        });

        tests.Add("a client that disconnects leaves its rooms; a new connection starts in none", async ctx =>
        {
            var everyone = await Clients(ctx, "alice", "bob");
            var (alice, bob) = (everyone[0], everyone[1]);
            await alice.Connection.InvokeAsync("JoinRoom", "room4");
            await bob.Connection.InvokeAsync("JoinRoom", "room4");
            var oldBob = bob.Id;
            await bob.Connection.StopAsync();
            await bob.Connection.StartAsync();
            bob.Id = bob.Connection.ConnectionId ?? "";
            Expect.True(bob.Id != oldBob, "the reconnected client has a new id");
            await alice.Connection.InvokeAsync("SendToRoom", "room4", "after the disconnect");
            await ExpectCalls(alice, everyone, [], "m7");
            await alice.Connection.InvokeAsync("Whisper", oldBob, "to the old connection");
            await ExpectCalls(alice, everyone, [], "m8");
        });

        tests.Add("twenty clients in one room each receive every other member's message", async ctx =>
        {
            var clients = await Clients(ctx, [.. Enumerable.Range(0, 20).Select(i => $"client{i}")]);
            await Task.WhenAll(clients.Select(client => client.Connection.InvokeAsync("JoinRoom", "crowd")));
            await Task.WhenAll(clients.Select(client => client.Connection.InvokeAsync("SendToRoom", "crowd", $"from {client.Name}")));
            foreach (var client in clients)
            {
                var received = new List<string>();
                for (var i = 0; i < clients.Length - 1; ++i)
                {
                    received.Add(await client.Inbox.NextAsync($"message {i + 1} at {client.Name}"));
                }
                var expected = clients.Where(other => other != client)
                    .Select(other => Call("message", other.Id, "crowd", $"from {other.Name}"));
                Expect.Sequence(received.Order(StringComparer.Ordinal), expected.Order(StringComparer.Ordinal),
                    $"messages {client.Name} received");
            }
        }, TimeSpan.FromSeconds(20));
    }
}
