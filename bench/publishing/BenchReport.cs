using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ccd.Bench.Publishing;

/// <summary>
/// Writes &lt;out&gt;/&lt;date&gt;-publishing.json and .md: both runs, the ratio and its verdict (issue 21: the runtime at
/// least <see cref="TargetRatio"/> × the bare sender), SPEC P5's absolute target as context, the machine.
/// bench/run reads the JSON into its own results page.
/// </summary>
internal static class BenchReport
{
    public const double TargetRatio = 0.8;
    private const double AbsoluteTarget = 5000;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(
        BenchSettings settings, RunFigures runtime, RunFigures bare, IReadOnlyList<(RunFigures Runtime, RunFigures Bare)> rounds, IReadOnlyList<string> errors)
    {
        var machine = Machine();
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ratio = runtime.Rate / bare.Rate;
        Directory.CreateDirectory(settings.OutputDirectory);
        var result = new Dictionary<string, object?>
        {
            ["benchmark"] = "P5 publishing",
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["messages"] = settings.Messages,
            ["cases"] = settings.Cases,
            ["publishers"] = settings.Publishers,
            ["batch_size"] = settings.BatchSize,
            ["warmup_messages"] = settings.WarmupMessages,
            ["service"] = Figures(runtime),
            ["limit"] = Figures(bare),
            ["rounds"] = rounds.Select(r => new Dictionary<string, object?> { ["service_rate"] = Math.Round(r.Runtime.Rate), ["limit_rate"] = Math.Round(r.Bare.Rate) }).ToList(),
            ["ratio"] = Math.Round(ratio, 2),
            ["target_ratio"] = TargetRatio,
            ["meets_target"] = ratio >= TargetRatio && errors.Count == 0,
            ["absolute_target_messages_per_second"] = AbsoluteTarget,
            ["errors"] = errors,
            ["machine"] = machine,
        };
        var json = JsonSerializer.Serialize(result, Indented);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, $"{date}-publishing.json"), json + "\n");

        var md = $"""
            # P5 publishing against its limit ({date})

            {settings.Messages:N0} queued outbox rows ({settings.Cases:N0} cases, {settings.Messages / Math.Max(1, settings.Cases)} events each) to a
            local RabbitMQ {machine["rabbitmq"]} with its AMQP 1.0 plugin (quorum queues), measured in one run after a warm-up of
            {settings.WarmupMessages:N0} messages each way, in {rounds.Count} round(s) of the runtime then the limit on rows of their own, the faster
            run of each kept (messages/s a round, runtime / limit: {string.Join("; ", rounds.Select(r => $"{r.Runtime.Rate:N0} / {r.Bare.Rate:N0}"))}):
            - **the runtime**: {settings.Publishers} `OutboxPublisher`(s), batch {settings.BatchSize}: claim the oldest unsent row of each case,
              send the batch pipelined, mark what the broker accepted, commit (the next batch claimed and the previous one's marks committed while the broker settles one); timed from start until nothing is unsent;
            - **the limit**: a bare AMQPNetLite sender (`bench/publishing/BareSender.cs`) sending the same rows' messages (built by
              the runtime's own message mapping, read into memory before the clock starts) to the same broker, in the same
              batches (each pipelined, the next once all are settled), with no database work.

            | | messages | seconds | messages/s | CPU µs/message: bench process + PostgreSQL | methods JIT-compiled meanwhile |
            |---|---|---|---|---|---|
            | runtime's outbox publisher | {runtime.Messages:N0} | {runtime.Elapsed.TotalSeconds:0.00} | **{runtime.Rate:N0}** | {runtime.CpuMicrosecondsPerMessage:N0} + {runtime.PostgresCpuMicrosecondsPerMessage:N0} | {runtime.JitCompiledMethods:N0} |
            | bare AMQPNetLite sender | {bare.Messages:N0} | {bare.Elapsed.TotalSeconds:0.00} | **{bare.Rate:N0}** | {bare.CpuMicrosecondsPerMessage:N0} + {bare.PostgresCpuMicrosecondsPerMessage:N0} | {bare.JitCompiledMethods:N0} |

            Runtime ÷ limit: **{ratio:0.00} ×** (target ≥ {TargetRatio} ×): **{(ratio >= TargetRatio && errors.Count == 0 ? "met" : "NOT met")}**.
            SPEC P5's absolute target (≥ {AbsoluteTarget:N0} messages/s): {(runtime.Rate >= AbsoluteTarget ? "met" : "NOT met")}.

            Checked afterwards by draining both queues: the runtime's {runtime.Received.Received:N0} messages ({runtime.Received.Distinct:N0} distinct events,
            {runtime.Received.CasesOutOfOrder} cases out of order), the bare sender's {bare.Received.Received:N0} ({bare.Received.Distinct:N0} distinct);
            {(errors.Count == 0 ? "every message the same in both." : "ERRORS: " + string.Join("; ", errors))}

            Machine: {machine["cpu_model"]}, {machine["cpus"]} logical CPUs, load average at the end {machine["load_average"]},
            {machine["memory"]} RAM, Linux {machine["kernel"]}, .NET {machine["dotnet"]}, {machine["postgres"]}
            (the tests' throwaway cluster: fsync off). The database, the broker and the bench process all ran on this machine.

            Reproduce: `bench/publishing/run.sh` (options: `--messages N --cases N --publishers N --batch N --warmup N --rounds N`); `bench/run` runs it too.
            """;
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, $"{date}-publishing.md"), md + "\n");
    }

    private static Dictionary<string, object?> Figures(RunFigures run) => new()
    {
        ["messages"] = run.Messages,
        ["seconds"] = Math.Round(run.Elapsed.TotalSeconds, 3),
        ["rate"] = Math.Round(run.Rate),
        ["cpu_us_per_message"] = Math.Round(run.CpuMicrosecondsPerMessage),
        ["postgres_cpu_us_per_message"] = Math.Round(run.PostgresCpuMicrosecondsPerMessage),
        ["received"] = run.Received.Received,
        ["distinct"] = run.Received.Distinct,
        ["cases_out_of_order"] = run.Received.CasesOutOfOrder,
        ["jit_compiled_methods"] = run.JitCompiledMethods,
    };

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
