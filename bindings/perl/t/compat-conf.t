# The configuration hash of Crypt::LibSCEP: every key, the handle rules,
# each passin mode, encrypted, legacy and expired keys and certificates,
# logging, create_engine's arguments, and clean errors.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Temp qw(tempdir);
use Test::More;
use SCEPTest;

use Crypt::LibSCEP;

my $client = client();
my $ca = ca();
my $password = 'libscep-test';
my %encrypted = map { $_ => slurp(data_file("key1-$_.pem")) }
                qw(des des3 aes256 pkcs8-aes128);

sub request {
    my ($conf, $key) = @_;

    return Crypt::LibSCEP::pkcsreq($conf, $key // $client->{key},
        $client->{cert}, $ca->{cert}, $client->{csr});
}

# Digest and cipher of a message, read with the scep module.
sub algorithms {
    my ($message) = @_;
    my $m = scep::Handle->new()->parse($message, undef);

    return $m->digest() . ' ' . $m->cipher();
}

sub croaks_like {
    my ($code, $pattern, $name) = @_;
    my $ok = eval { $code->(); 1 };

    ok(!$ok, "$name croaks");
    like($@, $pattern, "$name: message");
}

# ---- The configuration argument ----------------------------------------

is(algorithms(request({})), 'sha256 aes-128-cbc', '{}: defaults');
croaks_like(sub { request(undef) }, qr/must be a hash reference/,
            'no configuration');
croaks_like(sub { request([]) }, qr/must be a hash reference/,
            'an array as configuration');
croaks_like(sub { request({ handle => 'h' }) },
            qr/not one that create_handle returned/, 'a handle that is not');
croaks_like(sub { request({ passin => 'prompt' }) },
            qr/passin must be plain, pass or env, not 'prompt'/,
            'an unknown passin');
croaks_like(sub { Crypt::LibSCEP::pkcsreq({}, $client->{key},
                                          $client->{cert}, $ca->{cert}) },
            qr/pkcsreq: the argument \$req is missing/, 'a missing argument');
croaks_like(sub { request({ sigalg => 'md4' }) },
            qr/unknown signing digest "md4"/, 'an unknown sigalg');
croaks_like(sub { request({ encalg => 'rc4' }) },
            qr/unknown content cipher "rc4"/, 'an unknown encalg');
is(algorithms(request({ sigalg => 'sha512', encalg => 'aes256' })),
   'sha512 aes-256-cbc', 'sigalg and encalg for one call');
is(algorithms(request({ sigalg => 'md5', encalg => 'des-ede3-cbc' })),
   'md5 des-ede3-cbc', 'OpenSSL cipher names');
is(algorithms(request({})), 'sha256 aes-128-cbc',
   'a call without handle changes nothing after it');

# ---- Handles keep their algorithms; a call with handle updates it --------

my $handle = Crypt::LibSCEP::create_handle({ sigalg => 'sha1',
                                             encalg => 'des3' });
isa_ok($handle, 'Crypt::LibSCEP::Handle');
is(algorithms(request({ handle => $handle })), 'sha1 des-ede3-cbc',
   'a handle keeps sigalg and encalg from create_handle');
is(algorithms(request({ handle => $handle, sigalg => 'sha384' })),
   'sha384 des-ede3-cbc', 'handle plus sigalg: this call');
is(algorithms(request({ handle => $handle })), 'sha384 des-ede3-cbc',
   'handle plus sigalg: and the calls after it');
is(algorithms(request({ handle => $handle, encalg => 'aes192' })),
   'sha384 aes-192-cbc', 'handle plus encalg: this call');
is(algorithms(request({ handle => $handle })), 'sha384 aes-192-cbc',
   'handle plus encalg: and the calls after it');

# Replies mirror the request unless told otherwise.
my $old_request = request({ sigalg => 'sha1', encalg => 'des3' });
my $reply = Crypt::LibSCEP::create_certificate_reply({}, $ca->{key},
    $ca->{cert}, $old_request, $client->{issued});
like(algorithms($reply), qr/^sha1 des-ede3-cbc$/,
     'a reply mirrors the request\'s algorithms');
$reply = Crypt::LibSCEP::create_certificate_reply({ sigalg => 'sha256',
    encalg => 'aes256' }, $ca->{key}, $ca->{cert}, $old_request,
    $client->{issued});
is(algorithms($reply), 'sha256 aes-256-cbc', 'unless sigalg/encalg say');

# ---- passin ------------------------------------------------------------

for my $kind (sort keys %encrypted) {
    my $key = $encrypted{$kind};
    my $made = eval { request({ passin => 'pass', passwd => $password },
                              $key) };
    ok($made, "passin pass opens the $kind key") or diag($@);
    croaks_like(sub { request({ passin => 'pass', passwd => 'wrong' }, $key) },
                qr/signer key cannot be decrypted: wrong password/,
                "a wrong password for the $kind key");
}
croaks_like(sub { request({}, $encrypted{des3}) },
            qr/signer key is encrypted and no password was given/,
            'an encrypted key with passin plain');
croaks_like(sub { request({ passin => 'pass' }, $encrypted{des3}) },
            qr/encrypted and no password was given/,
            'passin pass without passwd');
ok(request({ passin => 'pass', passwd => 'unused' }),
   'a password with a plain key is harmless');

{
    local $ENV{pwd} = $password;
    ok(request({ passin => 'env' }, $encrypted{aes256}),
       'passin env reads the variable pwd');
    local $ENV{SCEP_KEY_PASSWORD} = $password;
    delete local $ENV{pwd};
    ok(request({ passin => 'env', passin_env => 'SCEP_KEY_PASSWORD' },
               $encrypted{aes256}), 'passin_env names another variable');
    croaks_like(sub { request({ passin => 'env' }, $encrypted{aes256}) },
                qr/password variable pwd is not set/, 'pwd unset');
}

# The password belongs to the call, not to the handle.
my $keeper = Crypt::LibSCEP::create_handle({});
ok(request({ handle => $keeper, passin => 'pass', passwd => $password },
           $encrypted{des}), 'a password with a handle');
croaks_like(sub { request({ handle => $keeper }, $encrypted{des}) },
            qr/no password was given/,
            'the next call with the handle does not keep it');

# A server whose CA key is encrypted, with an empty password.
my $ca_key_empty = slurp(vector_file(
    'peers/captured/keys/micromdm-ca/ca.key.encrypted-empty-password.pem'));
my $server = { passin => 'pass', passwd => '' };
my $unwrapped = Crypt::LibSCEP::unwrap($server, request({}), $ca->{cert},
                                       $ca->{cert}, $ca_key_empty);
is(Crypt::LibSCEP::get_pkcs10($unwrapped), $client->{csr},
   'an encrypted CA key with an empty password unwraps');

# ---- Legacy: 512-bit RSA, SHA-1, expired, single DES -------------------

my %legacy = (key  => slurp(data_file('legacy-key.pem')),
              cert => slurp(data_file('legacy-cert.pem')),
              csr  => slurp(data_file('legacy-csr.pem')));
my $legacy_req = Crypt::LibSCEP::pkcsreq({ sigalg => 'sha1',
    encalg => 'des' }, $legacy{key}, $legacy{cert}, $ca->{cert},
    $legacy{csr});
is(algorithms($legacy_req), 'sha1 des-cbc',
   'a 512-bit key with an expired SHA-1 certificate signs a DES request');
my $legacy_in = Crypt::LibSCEP::unwrap({}, $legacy_req, $ca->{cert},
                                       $ca->{cert}, $ca->{key});
is(Crypt::LibSCEP::get_pkcs10($legacy_in), $legacy{csr},
   'the CA opens it');
my $to_legacy_ca = Crypt::LibSCEP::pkcsreq({}, $client->{key},
    $client->{cert}, $legacy{cert}, $client->{csr});
my $at_legacy_ca = Crypt::LibSCEP::unwrap({}, $to_legacy_ca, $legacy{cert},
                                          $legacy{cert}, $legacy{key});
is(Crypt::LibSCEP::get_pkcs10($at_legacy_ca), $client->{csr},
   'a CA with an expired 512-bit certificate opens a request');
my $from_legacy_ca = Crypt::LibSCEP::create_certificate_reply({},
    $legacy{key}, $legacy{cert}, $to_legacy_ca, $client->{issued});
my $answer = Crypt::LibSCEP::unwrap({}, $from_legacy_ca, $legacy{cert},
                                    $client->{cert}, $client->{key});
is(Crypt::LibSCEP::get_cert($answer), $client->{issued},
   'and answers it');

# ---- log -----------------------------------------------------------------

my $dir = tempdir(CLEANUP => 1);
request({ log => "$dir/call.log" });
ok(-s "$dir/call.log", 'log: a call without handle writes the file');
my $logged = Crypt::LibSCEP::create_handle({ log => "$dir/handle.log" });
request({ handle => $logged });
ok(-s "$dir/handle.log", 'log: create_handle writes the file');
request({ handle => $logged, log => "$dir/ignored.log" });
ok(!-e "$dir/ignored.log", 'log: an existing handle keeps its log');
unlike(slurp("$dir/handle.log"), qr/\Q$password\E/,
       'the log holds no password');
croaks_like(sub { request({ log => "$dir/missing/x.log" }) },
            qr/cannot open log file/, 'an unwritable log');

# ---- Errors stay with their call -----------------------------------------

eval { request({ passin => 'pass', passwd => 'wrong' }, $encrypted{des3}) };
my $first = $@;
eval { Crypt::LibSCEP::pkcsreq({}, $client->{key}, $client->{cert},
                               'not a certificate', $client->{csr}) };
my $second = $@;
like($second, qr/encryption certificate/, 'the second error is its own');
unlike($second, qr/bad decrypt|password/i,
       'and carries nothing of the first (OpenSSL queue left clean)');
ok(request({}), 'a good call after failures');

# ---- create_engine ---------------------------------------------------------

my $engine_handle = Crypt::LibSCEP::create_handle({});
my %engine = (label => 'pkcs11', module => '/nonexistent/module.so',
              pin => '1234', so => '/nonexistent/engine_pkcs11.so');
croaks_like(sub { Crypt::LibSCEP::create_engine({}, \%engine) },
            qr/create_engine: the configuration needs a handle/,
            'create_engine without handle');
croaks_like(sub { Crypt::LibSCEP::create_engine({ handle => $engine_handle },
                                                'pkcs11') },
            qr/engine configuration .* must be a hash reference/,
            'create_engine without engine hash');
croaks_like(sub { Crypt::LibSCEP::create_engine({ handle => $engine_handle },
                  { %engine, label => 'capi' }) },
            qr/unsupported engine 'capi'/, 'create_engine: another engine');
croaks_like(sub { Crypt::LibSCEP::create_engine({ handle => $engine_handle },
                  { %engine, module => undef }) },
            qr/needs module/, 'create_engine without module');
croaks_like(sub { Crypt::LibSCEP::create_engine({ handle => $engine_handle },
                  { %engine, pin => undef }) },
            qr/needs pin/, 'create_engine without pin');
croaks_like(sub { Crypt::LibSCEP::create_engine({ handle => $engine_handle },
                                                \%engine) },
            qr/PKCS#11 module \/nonexistent\/module\.so/,
            'create_engine: the library names the module it cannot load');

done_testing();
