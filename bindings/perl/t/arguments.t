# Arguments at the edge, in the scep module and in Crypt::LibSCEP: text
# with a NUL byte inside, references where text is expected, and odd
# values in Crypt::LibSCEP's configuration hash.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Temp qw(tempdir);
use Test::More;
use SCEPTest;

use scep;
use Crypt::LibSCEP;

my $client = client();
my $ca = ca();
my $password = 'libscep-test';
my $des3_key = slurp(data_file('key1-des3.pem'));
my $nonce = "\0\1\0\2" x 4;    # a nonce may hold NUL bytes

sub croaks_like {
    my ($code, $pattern, $name) = @_;
    my $ok = eval { $code->(); 1 };

    ok(!$ok, "$name croaks");
    like($@, $pattern, "$name: message");
}

sub request {
    my ($conf, $key) = @_;

    return Crypt::LibSCEP::pkcsreq($conf, $key // $client->{key},
        $client->{cert}, $ca->{cert}, $client->{csr});
}

# ---- scep: text with a NUL byte inside ---------------------------------

my $h = scep::Handle->new();
my $request = $h->pkcsreq($client->{key}, undef, $ca->{cert},
                          $client->{csr});
my $tid = $h->parse($request, undef)->transaction_id();

my @nul_cases = (
    [ 'password', 1, sub { $h->set_key_password("a\0b") } ],
    [ 'digest', 1, sub { $h->set_sigalg("sha256\0x") } ],
    [ 'path', 1, sub { $h->set_log_file("/tmp/scep\0.log") } ],
    [ 'key', 1, sub { $h->pkcsreq("$client->{key}\0", undef, $ca->{cert},
                                  $client->{csr}) } ],
    [ 'transaction_id', 3, sub { $h->create_pending_reply_wop7(
          $ca->{key}, $ca->{cert}, "$tid\0x", $nonce) } ],
    [ 'fail_info', 5, sub { $h->create_error_reply_wop7(
          $ca->{key}, $ca->{cert}, $tid, $nonce, "badAlg\0") } ],
    [ 'enc_key', 4, sub { $h->unwrap($request, undef, $ca->{cert},
                                     "$ca->{key}\0") } ],
);
for my $case (@nul_cases) {
    my ($name, $position, $code) = @$case;

    $scep::last_status = 0;
    croaks_like($code,
                qr/^argument $position \($name\) contains a NUL byte at /,
                "scep: a NUL byte in $name");
    is($scep::last_status, $scep::ERR_ARGUMENT, "$name: status");
}

croaks_like(sub { $h->set_key_password("$password\0wrong") },
            qr/NUL byte/, 'a password that would be right if cut');
croaks_like(sub { $h->pkcsreq($des3_key, undef, $ca->{cert},
                              $client->{csr}) },
            qr/encrypted and no password was given/,
            'and the cut password was not kept');

my $reply = $h->create_pending_reply_wop7($ca->{key}, $ca->{cert}, $tid,
                                          $nonce);
is($h->parse($reply, $ca->{cert})->recipient_nonce(), $nonce,
   'bytes arguments keep their NUL bytes');

croaks_like(sub { $h->set_sigalg(['sha256']) },
            qr/^argument 1 \(digest\) must be a string or undef, not a ref/,
            'scep: a reference where text is expected');
croaks_like(sub { $h->pkcsreq($client->{key}, undef, { }, $client->{csr}) },
            qr/^argument 3 \(enc_cert\) must be a string/,
            'scep: a hash reference as a certificate');

# ---- Crypt::LibSCEP: NUL bytes and references --------------------------

croaks_like(sub { request({ passwd => "$password\0" }, $des3_key) },
            qr/^Crypt::LibSCEP::pkcsreq: the configuration's passwd contains a NUL byte at \S+ line/,
            'a NUL byte in passwd');
croaks_like(sub { request({ sigalg => "sha1\0" }) },
            qr/configuration's sigalg contains a NUL byte/,
            'a NUL byte in sigalg');
croaks_like(sub { request({}, "$client->{key}\0") },
            qr/^Crypt::LibSCEP::pkcsreq: the argument \$sig_key contains a NUL byte at /,
            'a NUL byte in a key');
croaks_like(sub { Crypt::LibSCEP::create_error_reply_wop7({}, $ca->{key},
                      $ca->{cert}, "$tid\0", $nonce, 'badAlg') },
            qr/create_error_reply_wop7: the argument \$transid contains a NUL/,
            'a NUL byte in a transaction ID');
croaks_like(sub { Crypt::LibSCEP::create_error_reply_wop7({}, $ca->{key},
                      $ca->{cert}, $tid, $nonce, "badAlg\0x") },
            qr/the argument \$failInfo contains a NUL byte/,
            'a NUL byte in a failInfo');
croaks_like(sub { request({ sigalg => [] }) },
            qr/the configuration's sigalg must be a string or undef, not a ref/,
            'a reference as sigalg');
croaks_like(sub { Crypt::LibSCEP::create_handle({ encalg => {} }) },
            qr/^Crypt::LibSCEP::create_handle: the configuration's encalg must be a string/,
            'a reference as encalg of a handle');
ok(Crypt::LibSCEP::create_pending_reply_wop7({}, $ca->{key}, $ca->{cert},
                                             $tid, $nonce),
   'a binary senderNonce with NUL bytes still works');

# ---- Crypt::LibSCEP: odd configuration values ----------------------------

croaks_like(sub { request({ sigAlg => 'sha512' }) },
            qr/^Crypt::LibSCEP::pkcsreq: unknown configuration key 'sigAlg' \(known: encalg, handle, log, passin, passin_env, passwd, sigalg\)/,
            'a misspelt key');
croaks_like(sub { Crypt::LibSCEP::create_handle({ password => 'x' }) },
            qr/create_handle: unknown configuration key 'password'/,
            'an unknown key for create_handle');
croaks_like(sub { request({ sigalg => '' }) },
            qr/unknown signing digest ""/, 'an empty sigalg');
croaks_like(sub { request({ encalg => '' }) },
            qr/unknown content cipher ""/, 'an empty encalg');
croaks_like(sub { request({ sigalg => 'md4' }) },
            qr/unknown signing digest "md4"/, 'sigalg md4');
croaks_like(sub { request({ encalg => 'rc4' }) },
            qr/unknown content cipher "rc4"/, 'encalg rc4');
croaks_like(sub { request({ handle => undef }) },
            qr/handle is not one that create_handle returned/,
            'an undefined handle');
croaks_like(sub { request({ handle => scep::Handle->new() }) },
            qr/handle is not one that create_handle returned/,
            'a scep::Handle instead of a Crypt::LibSCEP handle');

# passwd alone means passin pass; pass without passwd acts like plain.
ok(request({ passwd => $password }, $des3_key),
   'passwd without passin opens an encrypted key');
croaks_like(sub { request({ passin => 'plain', passwd => $password },
                          $des3_key) },
            qr/encrypted and no password was given/,
            'passin plain ignores passwd, as documented');
ok(request({ passin => 'pass' }), 'pass without passwd: a plain key works');
croaks_like(sub { request({ passin => 'pass' }, $des3_key) },
            qr/encrypted and no password was given/,
            'pass without passwd: an encrypted key croaks');
{
    delete local $ENV{pwd};
    ok(request({ passin => 'env' }), 'env unset: a plain key works');
    croaks_like(sub { request({ passin => 'env' }, $des3_key) },
                qr/password variable pwd is not set/,
                'env unset: an encrypted key croaks');
}

my $dir = tempdir(CLEANUP => 1);
croaks_like(sub { request({ log => $dir }) },
            qr/^cannot open log file \Q$dir\E at \S+ line/,
            'log naming a directory');
croaks_like(sub { Crypt::LibSCEP::create_handle({ log => $dir }) },
            qr/cannot open log file/, 'create_handle with log a directory');

done_testing();
