// The small test runner: named tests run one after another, each bounded in time, every connection a
// test opened disposed after it, one TAP-like line per test ("ok N - ..." / "not ok N - ..." with the
// reason and the client's last log lines), and a count at the end. The same output as the JavaScript
// client's runner (../hub/harness.mjs).

using System.Diagnostics;

namespace SignalrppDotnetClient;

/// A test failed: the message says what was expected and what came.
public sealed class CheckFailed(string message) : Exception(message);

public sealed record TestCase(string Name, Func<SuiteContext, Task> Body, TimeSpan Timeout);

public sealed class TestList
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public List<TestCase> Tests { get; } = [];

    public void Add(string name, Func<SuiteContext, Task> body, TimeSpan? timeout = null) =>
        Tests.Add(new TestCase(name, body, timeout ?? DefaultTimeout));
}

public static class TestRunner
{
    /// Held while a test's lines are printed; the global timeout takes it for good before it exits,
    /// so that no test's line comes after its own.
    public static readonly object Output = new();

    /// Runs `tests` in order; returns the names of those that failed.
    public static async Task<(int Passed, List<string> Failed)> RunAsync(string label, IEnumerable<TestCase> tests,
        SuiteContext ctx)
    {
        var passed = 0;
        var failed = new List<string>();
        var number = 0;
        foreach (var test in tests)
        {
            number += 1;
            var clock = Stopwatch.StartNew();
            Exception? error = null;
            try
            {
                await Within(test.Timeout, "the test to finish", test.Body(ctx));
            }
            catch (Exception e)
            {
                error = e;
            }
            try
            {
                await ctx.CleanUpAsync();
            }
            catch (Exception e)
            {
                error ??= new CheckFailed($"clean-up failed: {Describe(e)}");
            }
            var ms = clock.ElapsedMilliseconds;
            var log = ctx.Log.Take();
            if (error is null)
            {
                passed += 1;
                lock (Output)
                {
                    Console.WriteLine($"ok {number} - {label}: {test.Name} ({ms} ms)");
                }
                continue;
            }
            failed.Add(test.Name);
            lock (Output)
            {
                Console.WriteLine($"not ok {number} - {label}: {test.Name} ({ms} ms)");
                foreach (var line in Describe(error).Split('\n'))
                {
                    Console.WriteLine($"  # {line}");
                }
                if (log.Count > 0)
                {
                    Console.WriteLine("  # client log (last lines):");
                    foreach (var line in log.TakeLast(40))
                    {
                        Console.WriteLine($"  #   {line}");
                    }
                }
            }
        }
        return (passed, failed);
    }

    /// What a failure says: the message of a failed check; the type and message of anything else.
    public static string Describe(Exception e) => e switch
    {
        CheckFailed f => f.Message,
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// `task`, or a TimeoutException "timed out after ... waiting for `what`".
    public static async Task Within(TimeSpan limit, string what, Task task)
    {
        if (await Task.WhenAny(task, Task.Delay(limit)) != task)
        {
            Observe(task);
            throw new TimeoutException($"timed out after {limit.TotalMilliseconds} ms waiting for {what}");
        }
        await task;
    }

    /// `task`'s result, or a TimeoutException "timed out after ... waiting for `what`".
    public static async Task<T> Within<T>(TimeSpan limit, string what, Task<T> task)
    {
        await Within(limit, what, (Task)task);
        return await task;
    }

    /// Keeps a task that was given up on from reporting its failure as unobserved.
    public static void Observe(Task task) =>
        task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
}
