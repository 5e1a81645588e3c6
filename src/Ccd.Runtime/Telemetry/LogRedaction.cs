namespace Ccd.Runtime.Telemetry;

/// <summary>
/// The one way a configured address is written to a log: scheme, host, port and path only. The user information
/// (<c>user:password@</c>), query and fragment are dropped, as any of them may carry a credential.
/// </summary>
internal static class LogRedaction
{
    public static string Url(Uri? url) => url switch
    {
        null => "(not set)",
        { IsAbsoluteUri: true } => url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped),
        _ => "(a relative address)",
    };

    public static string Url(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? Url(parsed) : url is null ? "(not set)" : "(not a URL)";
}
