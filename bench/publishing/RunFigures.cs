namespace Ccd.Bench.Publishing;

/// <summary>
/// One measured run: messages sent, the time, the bench process's and PostgreSQL's CPU it took, what the broker then
/// held, and how many methods the JIT compiled meanwhile (a warm-up too short shows as compilations in the run).
/// </summary>
internal sealed record RunFigures(int Messages, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan PostgresCpu, QueueCheck Received, long JitCompiledMethods)
{
    public double Rate => Messages / Elapsed.TotalSeconds;

    public double CpuMicrosecondsPerMessage => Cpu.TotalMicroseconds / Math.Max(1, Messages);

    public double PostgresCpuMicrosecondsPerMessage => PostgresCpu.TotalMicroseconds / Math.Max(1, Messages);
}
