// Values pushed by callbacks (client methods, stream items), taken by the test in the order they came.

using System.Threading.Channels;

namespace SignalrppDotnetClient;

public sealed class Inbox<T>
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>();

    public void Push(T value) => _items.Writer.TryWrite(value);

    /// The next value, or a TimeoutException after `limit` (5 s by default) naming `what`.
    public async Task<T> NextAsync(string what, TimeSpan? limit = null)
    {
        var wait = limit ?? TimeSpan.FromSeconds(5);
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _items.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out after {wait.TotalMilliseconds} ms waiting for {what}");
        }
    }
}
