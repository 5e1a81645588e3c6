using System.Security.Cryptography;
using System.Text;
using Ccd.Runtime.Authentication;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace Ccd.Runtime.Tests.Authentication;

public sealed class TokenKeyAndHeaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]
    [InlineData("tøkén-with-ünicode-✓")]
    public void a_cache_key_is_the_kind_and_the_upper_case_hex_sha256_of_the_token(string token) =>
        Assert.Equal("ccd-user:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))), VerifiedTokenCache.KeyOf("ccd-user:", token));

    [Fact]
    public void a_token_too_long_for_the_stack_has_the_same_key_as_ever()
    {
        var token = string.Concat(Enumerable.Repeat("é-token.", 2_000));
        Assert.Equal("k:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))), VerifiedTokenCache.KeyOf("k:", token));
        Assert.NotEqual(VerifiedTokenCache.KeyOf("k:", token), VerifiedTokenCache.KeyOf("k:", token + "x"));
    }

    [Theory]
    [InlineData("abc", "abc", null)]
    [InlineData("Bearer abc", "abc", null)]
    [InlineData("  bEARER   abc  ", "abc", null)]
    [InlineData("", null, "The ServiceAuthorization header is empty.")]
    [InlineData("   ", null, "The ServiceAuthorization header is empty.")]
    [InlineData("abc, Bearer abc", "abc", null)]
    [InlineData("abc,def", null, "The ServiceAuthorization header carries two different tokens.")]
    [InlineData(",", null, "The ServiceAuthorization header is empty.")]
    public void one_service_authorization_header_is_read_as_ccd_sends_it(string header, string? token, string? failure) =>
        Assert.Equal((token, failure), ServiceAuthorizationHeader.Read(new StringValues(header)));

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("Bearer abc", "abc")]
    [InlineData("  bEARER   abc  ", "abc")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("Bearer ", "Bearer")] // trimmed first, so no prefix is left: what Read answers too
    [InlineData("abc, Bearer abc", "")]
    [InlineData("abc,def", "")]
    public void the_usual_header_s_token_is_the_one_read_finds_and_any_other_header_has_none(string header, string usual)
    {
        Assert.Equal(usual, ServiceAuthorizationHeader.Usual(new StringValues(header)).ToString());
        if (usual.Length > 0)
        {
            Assert.Equal((usual, (string?)null), ServiceAuthorizationHeader.Read(new StringValues(header)));
        }
    }

    [Fact]
    public void repeated_or_missing_service_authorization_headers_have_no_usual_token()
    {
        Assert.True(ServiceAuthorizationHeader.Usual(new StringValues(["abc", "abc"])).IsEmpty);
        Assert.True(ServiceAuthorizationHeader.Usual(StringValues.Empty).IsEmpty);
    }

    [Fact]
    public void repeated_service_authorization_headers_count_once_when_equal_and_are_refused_when_not()
    {
        Assert.Equal(("abc", (string?)null), ServiceAuthorizationHeader.Read(new StringValues(["Bearer abc", "abc"])));
        Assert.Equal(((string?)null, "The ServiceAuthorization header carries two different tokens."), ServiceAuthorizationHeader.Read(new StringValues(["abc", "def"])));
        Assert.Equal(((string?)null, (string?)null), ServiceAuthorizationHeader.Read(StringValues.Empty));
    }
}
