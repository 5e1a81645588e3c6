using System.Globalization;

namespace Ccd.Runtime.Import;

/// <summary>Receives progress after every batch.</summary>
internal interface IImportProgressSink
{
    void Report(string caseTypeId, string phase, long done, long total);
}

/// <summary>
/// A progress bar on standard error: redrawn in place on a terminal, one line per update when redirected (so logs
/// and tests see each step).
/// </summary>
internal sealed class ImportProgressLine(TextWriter writer, bool interactive) : IImportProgressSink
{
    private const int Width = 30;

    public void Report(string caseTypeId, string phase, long done, long total)
    {
        var unit = phase == "preload" ? "cases" : "events";
        var share = total <= 0 ? 1.0 : Math.Min(1.0, (double)done / total);
        var filled = (int)Math.Round(share * Width);
        var line = string.Create(CultureInfo.InvariantCulture, $"{phase} {caseTypeId} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} {unit}");
        if (interactive)
        {
            writer.Write("\r" + line + (share >= 1.0 ? Environment.NewLine : string.Empty));
        }
        else
        {
            writer.WriteLine(line);
        }

        writer.Flush();
    }
}

/// <summary>Drops progress (for callers that only want the summary).</summary>
internal sealed class NoImportProgress : IImportProgressSink
{
    public static readonly NoImportProgress Instance = new();

    public void Report(string caseTypeId, string phase, long done, long total)
    {
    }
}
