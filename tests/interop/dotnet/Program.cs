// Interop tests of the .NET SignalR client (Microsoft.AspNetCore.SignalR.Client) against signalrpp's
// testhub-server (../testhub_server.cpp), over one transport and one hub protocol per run:
//
//   signalrpp-dotnet-client <path to testhub-server> <WebSockets|ServerSentEvents|LongPolling> <json|messagepack>
//
// Starts the server on a free port of 127.0.0.1, runs the scenarios of the JavaScript client's suite
// (../hub/*.mjs) that apply to the transport and protocol, each bounded in time and the whole run too,
// prints one TAP-like line per test and a count of those that passed, stops the server with SIGTERM,
// and exits non-zero if a test failed. MessagePack over Server-Sent Events (a text-only transport) is
// one test: the client refuses to start. SIGNALRPP_INTEROP_LOG=1 prints the client's log as it goes;
// otherwise only a failed test's log is shown. The ASP.NET Core reference (tests/reference) serves the
// same contract and passes the same tests: the expectations are ASP.NET Core's.

using Microsoft.AspNetCore.Http.Connections;
using SignalrppDotnetClient;

var globalTimeout = TimeSpan.FromSeconds(150);
var startTimeout = TimeSpan.FromSeconds(20);
var stopTimeout = TimeSpan.FromSeconds(5);

if (args.Length != 3 || !Enum.TryParse<HttpTransportType>(args[1], out var transport) ||
    transport is not (HttpTransportType.WebSockets or HttpTransportType.ServerSentEvents or HttpTransportType.LongPolling) ||
    args[2] is not ("json" or "messagepack"))
{
    Console.Error.WriteLine(
        "usage: signalrpp-dotnet-client <path to testhub-server> <WebSockets|ServerSentEvents|LongPolling> <json|messagepack>");
    return 2;
}
var serverPath = args[0];
var protocol = args[2] == "json" ? Protocol.Json : Protocol.MessagePack;
var label = $"{transport} {args[2]}";

ServerProcess server;
try
{
    server = await ServerProcess.StartAsync(serverPath, startTimeout);
}
catch (Exception e)
{
    Console.WriteLine($"not ok - start {serverPath}");
    Console.WriteLine($"  # {TestRunner.Describe(e)}");
    return 1;
}
using var serverLifetime = server;
// The server goes when this process goes, however it ends.
AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Kill();
using var globalTimer = new Timer(_ =>
{
    Monitor.Enter(TestRunner.Output); // never released: this is the last line
    Console.WriteLine($"not ok - global timeout: the run took more than {globalTimeout.TotalSeconds} s");
    server.Kill();
    Environment.Exit(1);
}, null, globalTimeout, Timeout.InfiniteTimeSpan);

var clientVersion = typeof(Microsoft.AspNetCore.SignalR.Client.HubConnection).Assembly.GetName().Version;
Console.WriteLine($"# Microsoft.AspNetCore.SignalR.Client {clientVersion} over {transport} with {args[2]}; " +
    $"server {serverPath} on {server.Url}");

var ctx = new SuiteContext(server.Url, transport, protocol);
var tests = new TestList();
if (protocol == Protocol.MessagePack && transport == HttpTransportType.ServerSentEvents)
{
    ProtocolTests.DefineRefusal(tests);
}
else
{
    InvocationTests.Define(tests, transport);
    StreamTests.Define(tests);
    ClientResultTests.Define(tests);
    ChatTests.Define(tests);
}
tests.Add("the server exits with status 0 on SIGTERM", async _ =>
    Expect.Equal(await server.StopAsync(stopTimeout), 0, "exit code"));

var (passed, failed) = await TestRunner.RunAsync(label, tests.Tests, ctx);
var total = passed + failed.Count;
Console.WriteLine($"# {label}: {passed}/{total} tests passed" +
    (failed.Count > 0 ? $"; failed: {string.Join("; ", failed)}" : ""));
return failed.Count == 0 ? 0 : 1;
