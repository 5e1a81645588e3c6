using System.Security.Cryptography;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// The LOCAL signing key kept in the working folder's <c>.data/</c>, so that <c>dev-token</c> and the running
/// service agree without any configuration. Created once with random bytes, readable by the owner only.
/// </summary>
internal static class LocalSigningKeyFile
{
    public const string FileName = "dev-signing-key";

    public static string PathFor(string contentRoot) => Path.Combine(contentRoot, ".data", FileName);

    public static string ReadOrCreate(string contentRoot)
    {
        var path = PathFor(contentRoot);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key);
        }

        try
        {
            // A service and dev-token started together may race here: the first move wins and both read its key.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }

        return File.ReadAllText(path).Trim();
    }
}
