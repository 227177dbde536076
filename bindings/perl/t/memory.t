# Dropped objects free their memory: 100,000 handles and messages made and
# dropped (and as many croaks) leave the resident size flat.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCEPTest;

use Crypt::LibSCEP;

my $iterations = 100_000;
my $warm_up = 5_000;
my $allowed_kb = 1024;

sub rss_kb {
    open my $status, '<', '/proc/self/status' or die "no /proc: $!";
    while (<$status>) {
        return $1 if /^VmRSS:\s+(\d+) kB/;
    }
    die "no VmRSS in /proc/self/status";
}

my $legacy_key = slurp(data_file('legacy-key.pem'));
my $legacy_cert = slurp(data_file('legacy-cert.pem'));

# A small message signed with a 512-bit key keeps 100,000 rounds fast.
my $request = scep::Handle->new()->pkcsreq($legacy_key, $legacy_cert,
                                           $legacy_cert,
                                           slurp(data_file('legacy-csr.pem')));
my $reply = scep::Handle->new()->create_pending_reply($legacy_key,
                                                      $legacy_cert, $request);

# One round: a handle and a message made and dropped, and a failed call's
# croak.  Every hundredth round also parses and unwraps a pkiMessage,
# through the scep module and through Crypt::LibSCEP (these cost a few
# hundred microseconds each, too slow to do 100,000 times in a test).
sub round {
    my ($i) = @_;
    my $handle = scep::Handle->new();
    my $message = $handle->read_ca_certs($legacy_cert);

    $message->ca_cert();
    eval { $handle->parse('not a message', undef) };
    eval { $message->fail_info() };
    return if $i % 100;

    $handle->parse($reply, $legacy_cert)->sender_nonce();
    $handle->unwrap($request, undef, $legacy_cert, $legacy_key)->pkcs10();
    Crypt::LibSCEP::get_pkcs10(Crypt::LibSCEP::unwrap({}, $request, undef,
                                                      $legacy_cert,
                                                      $legacy_key));
}

round($_) for 1 .. $warm_up;
my $before = rss_kb();
round($_) for 1 .. $iterations;
my $after = rss_kb();

diag("RSS after $warm_up warm-up rounds: $before kB; after $iterations "
     . "more: $after kB; growth " . ($after - $before) . ' kB');
cmp_ok($after - $before, '<', $allowed_kb,
       "RSS grows less than $allowed_kb kB over $iterations rounds");

done_testing();
