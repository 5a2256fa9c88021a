// reference-server: ASP.NET Core serving the contract of tests/interop/testhub_server.cpp, so that the
// same interop tests (tests/interop/hub/main.mjs) can run against the real thing:
//
//   reference-server --port N [--threads T]     N = 0: any free port; T is accepted and ignored
//
// Listens on 127.0.0.1 only, prints "listening on http://127.0.0.1:PORT" as the first line of standard
// output, and serves until SIGINT or SIGTERM (then exits with status 0). Logging goes to standard
// error, warnings and above only. Endpoints: see README.md beside this file.

using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignalrppReference;

if (ParsePort(args) is not { } port)
{
    Console.Error.WriteLine("usage: reference-server --port N [--threads T]");
    return 2;
}

// The same secret and claim as testhub-server's jwt_hs256: 32 'k's and a suffix, the user id in the
// NameIdentifier claim, one hour of validity, no issuer and no audience.
var signingKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 32) + "-signalrpp-interop-tests"));

// The arguments are ours, not the host's. The content root is the program's folder, not the working
// directory, and configuration files are not watched: nothing from where the tests run is read.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false"],
    ContentRootPath = AppContext.BaseDirectory,
});

// Standard error only, warnings and above (Logging__LogLevel__Default=Debug in the environment says
// more). The tests make hub methods throw on purpose: those errors, which the client receives, are
// not logged again.
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
// Long polls and Server-Sent Events streams are open at SIGTERM: do not wait long for them.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));

// Authentication pulls in data protection, whose hosted service makes and stores a key in
// ~/.aspnet at start-up. Nothing here protects data: keys in memory only, and no such service.
builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

builder.Services.AddCors(o => o.AddDefaultPolicy(policy => policy
    .SetIsOriginAllowed(IsLocalhostOrigin)
    .AllowAnyHeader()
    .AllowAnyMethod()
    .AllowCredentials()));

builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
{
    o.TokenValidationParameters = new TokenValidationParameters
    {
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = signingKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };
    o.Events = new JwtBearerEvents
    {
        // Browsers' WebSockets and EventSource cannot send headers: SignalR clients put the token in
        // the access_token query parameter instead.
        OnMessageReceived = context =>
        {
            var token = context.Request.Query["access_token"].ToString();
            if (token.Length > 0 && context.Request.Path.StartsWithSegments("/authorizedhub"))
            {
                context.Token = token;
            }
            return Task.CompletedTask;
        },
    };
});
builder.Services.AddAuthorization();

// Both hub protocols, each as the client asks in its handshake: JSON with PascalCase property names
// (as the tests expect), and MessagePack with its defaults (objects as maps keyed by the property
// names, byte[] as bin, DateTime as the timestamp extension).
builder.Services.AddSignalR(o => o.EnableDetailedErrors = true)
    .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = null)
    .AddMessagePackProtocol();

foreach (var service in builder.Services
             .Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService")
             .ToList())
{
    builder.Services.Remove(service);
}

var app = builder.Build();

app.UseRouting();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();

app.MapHub<TestHub>("/testhub");
app.MapHub<TestHub>("/testhub-nowebsockets",
    o => o.Transports = HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling);
app.MapHub<ChatHub>("/chathub");
app.MapHub<EchoHub>("/hub"); // the benchmarks' hub (hub-echo-server's contract)
app.MapHub<AuthorizedHub>("/authorizedhub");
app.MapConnectionHandler<EchoConnectionHandler>("/echo");

app.Map("/generateJwtToken", () => Results.Text(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
{
    Claims = new Dictionary<string, object> { [System.Security.Claims.ClaimTypes.NameIdentifier] = "testuser" },
    Expires = DateTime.UtcNow.AddHours(1),
    SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
})));

// Negotiate (and anything else) under /redirect answers with a redirect to /testhub on baseUrl,
// counting the redirects in the numRedirects query parameter.
var redirects = 0;
app.Map("/redirect/{**rest}", (HttpRequest request) =>
{
    var baseUrl = request.Query["baseUrl"].ToString();
    var n = Interlocked.Increment(ref redirects);
    return Results.Text(JsonSerializer.Serialize(new { url = $"{baseUrl}/testhub?numRedirects={n}" }),
        "application/json");
});

// 307 to the same URL with /echoredirect replaced by /echo (the rest of the target, query included, kept).
app.Map("/echoredirect/{**rest}", (HttpContext context) =>
{
    var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
    var rest = target.Length >= "/echoredirect".Length ? target["/echoredirect".Length..] : "";
    var host = context.Request.Headers.Host.ToString();
    context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
    context.Response.Headers.Location = $"http://{(host.Length > 0 ? host : "127.0.0.1")}/echo{rest}";
    return Task.CompletedTask;
});

app.Map("/bad-negotiate/{**rest}", () => Results.Text("Some response from server", statusCode: 400));

// The result of the client method "Result" on that connection, or the error's text.
app.Map("/clientresult/{id}", async (string id, IHubContext<TestHub> hub) =>
{
    try
    {
        var result = await hub.Clients.Client(id).InvokeAsync<int>("Result", CancellationToken.None);
        return result.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
    catch (Exception e)
    {
        return e.Message;
    }
});

try
{
    await app.StartAsync();
}
catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
{
    return 0; // SIGTERM or SIGINT before the server listened
}

var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var bound = new Uri(address).Port;
Console.Out.Write($"listening on http://127.0.0.1:{bound}\n");
Console.Out.Flush();

await app.WaitForShutdownAsync();
return 0;

static int? ParsePort(string[] args)
{
    int? port = 0;
    if (args.Length % 2 != 0)
    {
        return null;
    }
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!int.TryParse(args[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }
        switch (args[i])
        {
            case "--port" when n <= 65535:
                port = n;
                break;
            case "--threads" when n >= 1:
                break; // Kestrel and the thread pool decide
            default:
                return null;
        }
    }
    return port;
}

// http(s)://localhost, 127.0.0.1 or [::1], with any port or none: testhub-server's localhost_origin.
static bool IsLocalhostOrigin(string origin)
{
    if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
    {
        return false;
    }
    return uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0 &&
           uri.Host is "localhost" or "127.0.0.1" or "[::1]";
}
