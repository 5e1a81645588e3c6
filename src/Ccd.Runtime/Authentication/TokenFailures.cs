using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Authentication;

/// <summary>Turns a token validation failure into a sentence for the problem body, without any part of the token.</summary>
internal static class TokenFailures
{
    public static string Describe(Exception? failure, string what) => failure switch
    {
        SecurityTokenExpiredException => $"The {what} has expired.",
        SecurityTokenNotYetValidException => $"The {what} is not valid yet.",
        SecurityTokenNoExpirationException => $"The {what} has no expiry.",
        SecurityTokenInvalidAudienceException => $"The {what} is for another audience.",
        SecurityTokenInvalidIssuerException => $"The {what} is from an unexpected issuer.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => $"The {what} signature is not valid.",
        SecurityTokenInvalidAlgorithmException => $"The {what} is signed with an algorithm that is not accepted.",
        _ => $"The {what} is not valid.",
    };
}
