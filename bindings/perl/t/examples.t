# The example client and server of examples/perl run against each other.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Temp qw(tempdir);
use Test::More;
use SCEPTest;

my $examples = $ENV{SCEP_EXAMPLES}
    // "$FindBin::Bin/../../../examples/perl";
my $keys = 'peers/captured/keys';
my @client = (vector_file("$keys/libscep-client/key1.pem"),
              vector_file("$keys/libscep-client/selfsigned-signer-1.pem"),
              vector_file("$keys/micromdm-ca/ca.pem"));
my @ca = (vector_file("$keys/micromdm-ca/ca.pem"),
          vector_file("$keys/micromdm-ca/ca-key-plain.pem"));
my $dir = tempdir(CLEANUP => 1);

sub run {
    my ($command) = @_;
    my $output = qx{($command) 2>&1};

    is($?, 0, "runs: $command") or diag($output);
    return $output;
}

run(qq{"$^X" $examples/client.pl request @client }
    . vector_file("$keys/libscep-client/csr1.pem") . " > $dir/request");
like(run(qq{"$^X" $examples/server.pl @ca < $dir/request > $dir/reply}),
     qr{request [0-9A-F]{64} for /C=DE/O=libscep-test/CN=libscep-client-1},
     'the server reads the request');
run(qq{"$^X" $examples/client.pl reply @client < $dir/reply > $dir/issued});
is_deeply([openssl_subjects(slurp("$dir/issued"))],
          ['/C=DE/O=libscep-test/CN=libscep-client-1',
           '/C=US/O=scep-ca/OU=SCEP CA'],
          'the client gets its certificate, then the CA');

# A wrong challenge password is refused.
my $legacy_csr = data_file('legacy-csr.pem');
run(qq{"$^X" $examples/client.pl request @client $legacy_csr }
    . "> $dir/request2");
run(qq{SCEP_CHALLENGE=other "$^X" $examples/server.pl @ca }
    . "< $dir/request2 > $dir/reply2");
my $refused = qx{"$^X" $examples/client.pl reply @client < $dir/reply2 2>&1};
isnt($?, 0, 'the client reports a refusal');
like($refused, qr/refused: badRequest/, 'with the failInfo');

done_testing();
