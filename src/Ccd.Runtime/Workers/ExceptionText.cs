namespace Ccd.Runtime.Workers;

/// <summary>Turns any exception into a short line for a log field or an error column, whatever the exception does.</summary>
internal static class ExceptionText
{
    /// <summary>"Type: message", at most <paramref name="maxLength"/> characters; an exception whose message throws is still described.</summary>
    public static string Describe(Exception exception, int maxLength = 1000)
    {
        string message;
        try
        {
            message = exception.Message;
        }
#pragma warning disable CA1031 // A message getter may throw anything; the description must still be written.
        catch (Exception)
#pragma warning restore CA1031
        {
            message = "(the exception's message could not be read)";
        }

        var text = $"{exception.GetType().FullName}: {message}";
        return text.Length > maxLength ? text[..maxLength] : text;
    }
}
