using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ccd.Bench.Publishing;

/// <summary>Writes bench/results/&lt;date&gt;-publishing.json and .md with the machine the figures come from.</summary>
internal static class BenchReport
{
    private const double Target = 5000;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(BenchSettings settings, TimeSpan elapsed, double rate, long sent, int received, int distinct)
    {
        var machine = Machine();
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(settings.OutputDirectory);
        var result = new Dictionary<string, object?>
        {
            ["benchmark"] = "P5 publishing",
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["messages"] = settings.Messages,
            ["cases"] = settings.Cases,
            ["publishers"] = settings.Publishers,
            ["batch_size"] = settings.BatchSize,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
            ["messages_per_second"] = Math.Round(rate),
            ["target_messages_per_second"] = Target,
            ["meets_target"] = rate >= Target,
            ["sent_counter"] = sent,
            ["consumer_received"] = received,
            ["consumer_distinct_events"] = distinct,
            ["machine"] = machine,
        };
        var json = JsonSerializer.Serialize(result, Indented);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, $"{date}-publishing.json"), json + "\n");

        var md = $"""
            # P5 publishing benchmark ({date})

            Publish {settings.Messages:N0} queued outbox rows ({settings.Cases:N0} cases, {settings.Messages / Math.Max(1, settings.Cases)} events each)
            to a local RabbitMQ {machine["rabbitmq"]} with its AMQP 1.0 plugin (quorum queue), with {settings.Publishers}
            `OutboxPublisher`(s), batch {settings.BatchSize}, pipelined sends (every message of a batch in flight at once,
            each settled *accepted* by the broker before its row is marked published).

            | figure | value |
            |---|---|
            | elapsed | {elapsed.TotalSeconds:0.00} s |
            | **messages per second** | **{rate:N0}** (target ≥ {Target:N0}: {(rate >= Target ? "met" : "NOT met")}) |
            | consumer received afterwards | {received:N0} messages, {distinct:N0} distinct events |

            Machine: {machine["cpu_model"]}, {machine["cpus"]} logical CPUs (load average at the end: {machine["load_average"]}),
            {machine["memory"]} RAM, Linux {machine["kernel"]}, .NET {machine["dotnet"]}, {machine["postgres"]}
            (the tests' throwaway cluster: fsync off). The database, the broker and the publisher all ran on this machine.

            Reproduce: `bench/publishing/run.sh` (options: `--messages N --cases N --publishers N --batch N`).
            """;
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, $"{date}-publishing.md"), md + "\n");
    }

    private static Dictionary<string, object?> Machine()
    {
        string? Line(string file, string prefix) =>
            File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;

        return new Dictionary<string, object?>
        {
            ["cpu_model"] = Line("/proc/cpuinfo", "model name"),
            ["cpus"] = Environment.ProcessorCount,
            ["memory"] = Line("/proc/meminfo", "MemTotal"),
            ["kernel"] = Environment.OSVersion.Version.ToString(),
            ["dotnet"] = Environment.Version.ToString(),
            ["postgres"] = Run("bash", "-c", "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/pg_ctl --version"),
            ["load_average"] = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null,
            ["rabbitmq"] = Run("dpkg-query", "-W", "-f=${Version}", "rabbitmq-server"),
        };
    }

    private static string? Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info);
        if (process is null)
        {
            return null;
        }

        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : null;
    }
}
