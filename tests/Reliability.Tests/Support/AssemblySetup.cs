using Ccd.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(PostgresServer))]
