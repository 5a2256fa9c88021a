// The server under test, as ../support.mjs's ServerProcess runs it: started with `--port 0`, ready once
// its first line of standard output is "listening on http://127.0.0.1:PORT" (any other first line is an
// error), stopped with SIGTERM and killed if it has not exited in time.

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SignalrppDotnetClient;

public sealed partial class ServerProcess : IDisposable
{
    private const int Sigterm = 15;

    private readonly Process _process;

    private ServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    /// The URL the server printed (http://127.0.0.1:PORT).
    public string Url { get; }

    public string Program => _process.StartInfo.FileName;

    /// Starts `program --port 0` and returns once it has printed its "listening on" line; kills it and
    /// throws if it prints anything else first, exits, or takes longer than `limit`.
    public static async Task<ServerProcess> StartAsync(string program, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true, // standard error is inherited: the server's log shows in the test's
        };
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add("0");
        var process = System.Diagnostics.Process.Start(info)
            ?? throw new InvalidOperationException($"cannot start {program}");
        try
        {
            using var timeout = new CancellationTokenSource(limit);
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{program} printed nothing in {limit.TotalSeconds} s");
            }
            if (line is null)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"{program} exited before listening (exit code {process.ExitCode})");
            }
            var match = ListeningLine().Match(line);
            if (!match.Success)
            {
                throw new InvalidOperationException($"unexpected first line from the server: \"{line}\"");
            }
            // Keeps draining standard output so the server never blocks on a full pipe.
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is not null)
                {
                }
            });
            return new ServerProcess(process, match.Groups[1].Value);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// Sends SIGTERM and returns the exit code once the server has exited; kills it and throws a
    /// TimeoutException if that takes longer than `limit`.
    public async Task<int> StopAsync(TimeSpan limit)
    {
        if (!_process.HasExited && kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(_process);
            throw new TimeoutException($"the server had not exited {limit.TotalSeconds} s after SIGTERM (killed)");
        }
        return _process.ExitCode;
    }

    /// Kills the server if it is still running (SIGKILL).
    public void Kill() => Kill(_process);

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    [GeneratedRegex(@"^listening on (http://127\.0\.0\.1:\d+)$")]
    private static partial Regex ListeningLine();

    // .NET sends only SIGKILL (Process.Kill); the server's clean stop is on SIGTERM.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
