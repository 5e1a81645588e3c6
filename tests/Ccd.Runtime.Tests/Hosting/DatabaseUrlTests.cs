using Ccd.Runtime.Configuration;
using Ccd.Runtime.Database;
using Ccd.Runtime.Hosting;
using Npgsql;
using Xunit;

namespace Ccd.Runtime.Tests.Hosting;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void a_postgres_url_becomes_a_connection_string()
    {
        var builder = DatabaseUrl.Parse("postgres://app%40x:s3cr%3At@db.example:6543/cases?sslmode=require", "PROD_DATABASE_URL");

        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("app@x", builder.Username);
        Assert.Equal("s3cr:t", builder.Password);
        Assert.Equal("cases", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
    }

    [Fact]
    public void an_npgsql_connection_string_is_accepted_as_it_is()
    {
        var builder = DatabaseUrl.Parse("Host=localhost;Port=5433;Database=d;Username=u;Password=p", "DEV_DATABASE_URL");

        Assert.Equal("localhost", builder.Host);
        Assert.Equal(5433, builder.Port);
    }

    [Theory]
    [InlineData("postgres://")]
    [InlineData("Host=;Database=x")]
    [InlineData("not a url at all")]
    [InlineData("postgres://u:pw@h/db?frobnicate=1")]
    public void a_malformed_value_names_the_variable_and_hides_the_password(string value)
    {
        var error = Assert.Throws<CcdStartupException>(() => DatabaseUrl.Parse(value, "TEST_DATABASE_URL"));

        Assert.Contains("TEST_DATABASE_URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", error.Message.Replace("password", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
