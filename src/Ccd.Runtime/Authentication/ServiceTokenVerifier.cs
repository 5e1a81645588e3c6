using System.Diagnostics.CodeAnalysis;

namespace Ccd.Runtime.Authentication;

/// <summary>Says which service a service-to-service token belongs to.</summary>
internal interface IServiceTokenVerifier
{
    /// <summary>The service name, or a failure reason when the token is not valid.</summary>
    /// <exception cref="Problems.ProblemException">503 when the S2S provider cannot be asked.</exception>
    Task<ServiceTokenResult> VerifyAsync(string token, CancellationToken cancellationToken);

    /// <summary>The service of a token that <see cref="VerifyAsync"/> found valid and whose answer is still cached.</summary>
    bool TryGetKnown(ReadOnlySpan<char> token, [NotNullWhen(true)] out string? serviceName);
}

internal readonly record struct ServiceTokenResult(string? ServiceName, string? Failure)
{
    public static ServiceTokenResult Valid(string serviceName) => new(serviceName, null);

    public static ServiceTokenResult Invalid(string failure) => new(null, failure);
}
