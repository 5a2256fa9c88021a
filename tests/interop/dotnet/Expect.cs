// Assertions: each throws CheckFailed saying what was expected and what came.

using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace SignalrppDotnetClient;

public static class Expect
{
    public static void Equal<T>(T actual, T expected, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
        {
            throw new CheckFailed($"{what}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    /// Element by element, in order.
    public static void Sequence<T>(IEnumerable<T> actual, IEnumerable<T> expected, string what)
    {
        var a = actual.ToList();
        var e = expected.ToList();
        if (!a.SequenceEqual(e))
        {
            throw new CheckFailed($"{what}: expected {Show(e)}, got {Show(a)}");
        }
    }

    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new CheckFailed(what);
        }
    }

    /// Awaits `task`, which must fail with a HubException (an error the server sent) whose message is `message`.
    public static Task<HubException> HubError(Task task, string message, string what) =>
        Throws<HubException>(task, message, what);

    /// Awaits `task`, which must fail with a `TException` whose message is `message` (any message if
    /// null); returns it.
    public static async Task<TException> Throws<TException>(Task task, string? message, string what)
        where TException : Exception
    {
        try
        {
            await task;
        }
        catch (TException e)
        {
            if (message is not null)
            {
                Equal(e.Message, message, $"{what}: error message");
            }
            return e;
        }
        catch (Exception e)
        {
            throw new CheckFailed($"{what}: expected a {typeof(TException).Name} {Show(message)}, got {TestRunner.Describe(e)}");
        }
        throw new CheckFailed($"{what}: expected a {typeof(TException).Name} {Show(message)}, got success");
    }

    // Readable: quotes and non-ASCII text as they are, control characters escaped.
    private static readonly JsonSerializerOptions ShowOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// `value` as JSON (strings quoted, control characters escaped).
    public static string Show<T>(T value) => value is null ? "null" : JsonSerializer.Serialize(value, ShowOptions);
}
