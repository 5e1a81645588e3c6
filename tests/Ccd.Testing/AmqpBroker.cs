using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Ccd.Testing;

/// <summary>
/// A real AMQP 1.0 broker for the publishing tests: RabbitMQ with its AMQP 1.0 plugin from Debian's packages, run
/// privately by <c>tests/infra/amqp-broker.sh</c> on a free loopback port with its data in /tmp, and stopped (data
/// removed) when the tests are done. Tests can stop and start it again to play an outage: it comes back on the
/// same port with the messages it had stored.
/// </summary>
public sealed partial class AmqpBroker : IAsyncLifetime
{
    /// <summary>How many private queues the broker declares; each test takes its own with <see cref="NextQueue"/>.</summary>
    public const int QueueCount = 12;

    private static readonly TimeSpan ScriptCeiling = TimeSpan.FromMinutes(3);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ccd-test-amqp-{Guid.NewGuid():N}"[..26]);
    private int _queues;
    private string? _url;

    /// <summary>The broker's URL with credentials, <c>amqp://guest:guest@127.0.0.1:PORT</c>.</summary>
    public string Url => _url ?? throw new InvalidOperationException("The broker has not started.");

    /// <summary>
    /// The address of a durable queue no other test uses, for a sender's target and a receiver's source. RabbitMQ's
    /// <c>/amq/queue/NAME</c> names an existing queue; a bare name would make it try to declare one.
    /// </summary>
    public string NextQueue()
    {
        var next = Interlocked.Increment(ref _queues);
        return next <= QueueCount
            ? $"/amq/queue/ccd-test-{next}"
            : throw new InvalidOperationException($"Only {QueueCount} test queues are declared: raise AmqpBroker.QueueCount.");
    }

    /// <summary>How many queues refusing big messages the broker declares; each test takes its own with <see cref="NextRejectingQueue"/>.</summary>
    public const int RejectingQueueCount = 2;

    /// <summary>A message bigger than this is rejected for good by the queues of <see cref="NextRejectingQueue"/>.</summary>
    public const int RejectingQueueMaxBytes = 65536;

    private int _rejectingQueues;

    /// <summary>
    /// The address of a durable queue no other test uses that rejects (AMQP <c>rejected</c> outcome) every message
    /// over <see cref="RejectingQueueMaxBytes"/> and accepts the others while it holds less than that.
    /// </summary>
    public string NextRejectingQueue()
    {
        var next = Interlocked.Increment(ref _rejectingQueues);
        return next <= RejectingQueueCount
            ? $"/amq/queue/ccd-test-rejecting-{next}"
            : throw new InvalidOperationException($"Only {RejectingQueueCount} rejecting queues are declared: raise AmqpBroker.RejectingQueueCount.");
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopQuietly();
    }

    /// <summary>Starts the broker (again); returns when it answers AMQP 1.0.</summary>
    public async Task StartAsync()
    {
        var output = await RunScriptAsync("start");
        var match = UrlLine().Match(output);
        _url = match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"amqp-broker.sh start printed no AMQP_URL:\n{output}");
    }

    /// <summary>Stops the broker; returns when its port is closed.</summary>
    public Task StopAsync() => RunScriptAsync("stop");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<string> RunScriptAsync(string command)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(FindScript());
        info.ArgumentList.Add(command);
        info.ArgumentList.Add(_directory);
        info.Environment["AMQP_BROKER_QUEUES"] = string.Join(' ', Enumerable.Range(1, QueueCount).Select(i => $"ccd-test-{i}").Prepend("ccd-case-events"));
        info.Environment["AMQP_BROKER_REJECTING_QUEUES"] = string.Join(' ', Enumerable.Range(1, RejectingQueueCount).Select(i => $"ccd-test-rejecting-{i}"));
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptCeiling);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"amqp-broker.sh {command} did not finish within {ScriptCeiling.TotalMinutes:0} minutes:\n{await stderr}");
        }

        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"amqp-broker.sh {command} failed ({process.ExitCode}):\n{await stdout}{await stderr}");
    }

    /// <summary>The script lives in the repository; the tests run from its bin folder.</summary>
    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "infra", "amqp-broker.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/infra/amqp-broker.sh was not found above " + AppContext.BaseDirectory);
    }

    private void StopQuietly()
    {
        try
        {
            StopAsync().GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException)
        {
        }
    }

    [GeneratedRegex(@"^AMQP_URL=(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex UrlLine();
}
