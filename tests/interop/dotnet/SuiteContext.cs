// What a test reaches: the server's URL, the run's transport and protocol, hub connections built with
// them (each disposed after the test), and the client's log, kept per test and shown when it fails.

using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignalrppDotnetClient;

public enum Protocol
{
    Json,
    MessagePack,
}

public sealed class SuiteContext(string baseUrl, HttpTransportType transport, Protocol protocol)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(3);

    private readonly List<HubConnection> _opened = [];

    public string BaseUrl { get; } = baseUrl;
    public HttpTransportType Transport { get; } = transport;
    public Protocol Protocol { get; } = protocol;
    public CapturedLog Log { get; } = new();
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(8) };

    /// A HubConnection (not started) to `path` over this run's transport and protocol, disposed after the test.
    public HubConnection Hub(string path = "/testhub", HttpTransportType? transport = null)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(BaseUrl + path, transport ?? Transport)
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(Log).SetMinimumLevel(LogLevel.Debug));
        if (Protocol == Protocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }
        else
        {
            // The contract's objects have PascalCase member names (as the reference keeps them).
            builder.AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = null);
        }
        var connection = builder.Build();
        _opened.Add(connection);
        return connection;
    }

    /// A started HubConnection, disposed after the test.
    public async Task<HubConnection> ConnectedAsync(string path = "/testhub")
    {
        var connection = Hub(path);
        await connection.StartAsync();
        return connection;
    }

    /// Disposes the connections the test opened (each within 3 s).
    public async Task CleanUpAsync()
    {
        var opened = _opened.ToList();
        _opened.Clear();
        var stops = opened.Select(c => TestRunner.Within(StopTimeout, "a connection to stop", c.DisposeAsync().AsTask()));
        await Task.WhenAll(stops);
    }
}

/// The client's log: the last 200 lines, taken by the runner after each test. SIGNALRPP_INTEROP_LOG=1
/// prints each line as it comes too.
public sealed class CapturedLog : ILoggerProvider
{
    private readonly bool _echo = Environment.GetEnvironmentVariable("SIGNALRPP_INTEROP_LOG") == "1";
    private readonly object _lock = new();
    private List<string> _lines = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public List<string> Take()
    {
        lock (_lock)
        {
            var lines = _lines;
            _lines = [];
            return lines;
        }
    }

    private void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
            if (_lines.Count > 200)
            {
                _lines.RemoveAt(0);
            }
        }
        if (_echo)
        {
            Console.WriteLine($"  # client {line}");
        }
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        private readonly string _category = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel} {_category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                text += $" ({exception.GetType().Name}: {exception.Message})";
            }
            log.Add(text);
        }
    }
}

// The contract's objects (testhub_server.cpp's custom_object and complex_object).

public sealed record CustomObject
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

    /// Every member, with the time's kind: what two objects are compared by.
    public override string ToString() => JsonSerializer.Serialize(this) + $" (DateTime.Kind {DateTime.Kind})";
}
