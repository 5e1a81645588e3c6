using Adoption.Service.CaseNumbers;
using Xunit;

namespace Adoption.Service.Tests.CaseNumbers;

public sealed class CcdReferenceTests
{
    [Fact]
    public void minted_references_have_16_digits_and_a_valid_luhn_check_digit()
    {
        var minted = Enumerable.Range(0, 1000).Select(_ => CcdReference.Mint()).ToArray();

        Assert.All(minted, reference => Assert.InRange(reference, 1_000_000_000_000_000, 9_999_999_999_999_999));
        Assert.All(minted, reference => Assert.True(CcdReference.IsValid(reference)));
        Assert.True(minted.Distinct().Count() > 990);
    }

    [Theory]
    [InlineData(1583067905426336L, true)]
    [InlineData(1583067905426339L, false)]
    [InlineData(4111111111111111L, true)]
    [InlineData(4111111111111112L, false)]
    [InlineData(411111111111111L, false)]
    public void luhn_validation_matches_the_check_digit(long reference, bool valid) =>
        Assert.Equal(valid, CcdReference.IsValid(reference));
}
