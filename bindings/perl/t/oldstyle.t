# A program written against the old module's documentation runs unchanged,
# without OPENSSL_CONF, and its results match.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCEPTest;

my $keys = 'peers/captured/keys';
my @args = (vector_file("$keys/libscep-client/key1.pem"),
            vector_file("$keys/libscep-client/selfsigned-signer-1.pem"),
            vector_file("$keys/libscep-client/csr1.pem"),
            vector_file("$keys/micromdm-ca/ca.pem"),
            data_file('ca-key-des3.pem'), 'ca-secret',
            vector_file("$keys/micromdm-ca/issued/libscep-client-1.11.pem"));
my $txid = spki_transaction_id(slurp($args[2]));

delete local $ENV{OPENSSL_CONF};
delete local $ENV{OPENSSL_MODULES};
my $program = data_file('oldstyle-program.pl');
my $output = qx{"$^X" "$program" @args 2>&1};
is($?, 0, 'the program runs') or diag($output);

my ($nonce) = $output =~ /^server nonce ([0-9a-f]{32})$/m;
ok($nonce, 'the server reads a 16-byte senderNonce');
is($output, <<"EXPECTED", 'its output is what the old module gave');
client transaction $txid
server type PKCSReq
server transaction $txid
server nonce ${\ ($nonce // '')}
server csr matches
server signer matches
client status PENDING echo
client status FAILURE badRequest echo
client status SUCCESS
client certificates match
done
EXPECTED

done_testing();
