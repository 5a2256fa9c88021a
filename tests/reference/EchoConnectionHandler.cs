// /echo: a connection (no hub protocol) that sends back every byte it receives.

using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace SignalrppReference;

public sealed class EchoConnectionHandler : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            try
            {
                if (!buffer.IsEmpty)
                {
                    // One write per read: on WebSockets each read is one received frame's worth
                    // (or less), and each flush becomes one frame of the connection's active format.
                    foreach (var segment in buffer)
                    {
                        output.Write(segment.Span);
                    }
                    var flushed = await output.FlushAsync();
                    if (flushed.IsCompleted || flushed.IsCanceled)
                    {
                        break;
                    }
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.End);
            }
        }
    }
}
