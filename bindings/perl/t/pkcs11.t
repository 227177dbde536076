# Keys in a PKCS#11 token through Crypt::LibSCEP, configured the way the
# old module was: create_engine on a handle, then key ids where PEM keys
# went.  The token is a throwaway SoftHSM2 one made by
# scripts/softhsm-token.sh: the CA key is id 01, a client key id 02.

use strict;
use warnings;

use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

use Crypt::LibSCEP;

my $label = 'libscep-perl';
my $pin = 'pl-token-2208';
my $wrong_pin = 'pl-wrong-6651';
my $script = File::Spec->catfile($FindBin::Bin, '..', '..', '..',
                                 'scripts', 'softhsm-token.sh');

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or die "cannot read $path: $!\n";
    local $/;
    return scalar <$fh>;
}

# ---- The token ---------------------------------------------------------

my $dir = tempdir('libscep-pkcs11-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $tokendir = "$dir/token";
system("sh '$script' '$tokendir' '$label' '$pin' >/dev/null") == 0
    or BAIL_OUT("cannot create the SoftHSM2 token with $script");
my %env = slurp("$tokendir/token.env") =~ /^(\w+)='([^']*)'$/mg;
my $module = $env{SCEP_PKCS11_MODULE};
$ENV{SOFTHSM2_CONF} = $env{SOFTHSM2_CONF};

# The old module loaded this OpenSSL engine; the new one accepts the path
# and talks to the PKCS#11 module directly.
my ($enginesdir) = `openssl version -e` =~ /ENGINESDIR: "([^"]*)"/;
my $engine_so = "$enginesdir/pkcs11.so";

my %t = map { $_ => slurp("$tokendir/$_.pem") }
    qw(ca ca-key client client-key);
$t{csr} = slurp("$tokendir/client.csr");

sub token_handle {
    my (%engine) = @_;
    my $handle = Crypt::LibSCEP::create_handle({});

    Crypt::LibSCEP::create_engine({ handle => $handle },
        { label => 'pkcs11', so => $engine_so, module => $module,
          pin => $pin, %engine });
    return $handle;
}

# openssl checks the signature (not the chain) of a PEM message.
sub openssl_verifies {
    my ($pem) = @_;
    my $path = "$dir/message.pem";

    open my $fh, '>', $path or die "cannot write $path: $!\n";
    print $fh $pem;
    close $fh;
    my $rc = system("openssl cms -verify -noverify -inform PEM -in '$path' "
                    . "-out /dev/null 2>/dev/null");
    unlink $path;
    return $rc == 0;
}

sub plain_request {
    return Crypt::LibSCEP::pkcsreq({}, $t{'client-key'}, $t{client},
                                   $t{ca}, $t{csr});
}

# ---- Signing and decrypting ---------------------------------------------

my $handle = token_handle();
my $conf = { handle => $handle };

for my $key ('02', "pkcs11:token=$label;id=%02;type=private",
             'pkcs11:object=client') {
    my $request = Crypt::LibSCEP::pkcsreq($conf, $key, $t{client}, $t{ca},
                                          $t{csr});
    ok(openssl_verifies($request), "pkcsreq signed with $key verifies");
    my $parsed = Crypt::LibSCEP::parse({}, $request);
    is(Crypt::LibSCEP::get_message_type($parsed), 'PKCSReq',
       "pkcsreq signed with $key parses");
    my $opened = Crypt::LibSCEP::unwrap({}, $request, $t{client}, $t{ca},
                                        $t{'ca-key'});
    is(Crypt::LibSCEP::get_pkcs10($opened), $t{csr},
       "pkcsreq signed with $key opens for the CA");
}

my $request = plain_request();
my $opened = Crypt::LibSCEP::unwrap($conf, $request, undef, $t{ca}, '01');
is(Crypt::LibSCEP::get_pkcs10($opened), $t{csr},
   'a request to the CA opens with the token key 01');
$opened = Crypt::LibSCEP::unwrap($conf, $request, undef,
                                 'pkcs11:id=%01;type=cert', '01');
is(Crypt::LibSCEP::get_pkcs10($opened), $t{csr},
   'and with the CA certificate taken from the token');

sub client_reads {
    my ($reply, $status, $what) = @_;
    my $message = Crypt::LibSCEP::unwrap({}, $reply, $t{ca}, $t{client},
                                         $t{'client-key'});

    ok(openssl_verifies($reply), "$what reply verifies with openssl");
    is(Crypt::LibSCEP::get_pkiStatus($message), $status,
       "$what reply opens for the client");
    return $message;
}

client_reads(Crypt::LibSCEP::create_pending_reply($conf, '01', $t{ca},
                                                  $request),
             'PENDING', 'pending');
my $failure = client_reads(Crypt::LibSCEP::create_error_reply($conf, '01',
                               $t{ca}, $request, 'badRequest'),
                           'FAILURE', 'failure');
is(Crypt::LibSCEP::get_failInfo($failure), 'badRequest', 'failInfo');
my $success = client_reads(Crypt::LibSCEP::create_certificate_reply($conf,
                               '01', $t{ca}, $request, $t{client}),
                           'SUCCESS', 'success');
is(Crypt::LibSCEP::get_cert($success), $t{client}, 'the issued certificate');

# ---- Errors -------------------------------------------------------------

my $fresh = Crypt::LibSCEP::create_handle({});
eval {
    Crypt::LibSCEP::create_engine({ handle => $fresh },
        { label => 'pkcs11', so => $engine_so,
          module => '/nonexistent/libnothing.so', pin => $pin });
};
like($@, qr{cannot load the PKCS#11 module /nonexistent/libnothing\.so},
     'a missing module is named');

eval { token_handle(pin => $wrong_pin) };
like($@, qr/wrong PIN for token '\Q$label\E'/, 'a wrong PIN says so');
unlike($@, qr/\Q$wrong_pin\E/, 'and does not show it');

eval { token_handle(token => 'no-such-token') };
like($@, qr/no token labelled 'no-such-token'/, 'an unknown token label');

eval {
    Crypt::LibSCEP::pkcsreq($conf, 'ff', $t{client}, $t{ca}, $t{csr});
};
like($@, qr/no private key with id ff on token '\Q$label\E'/,
     'an unknown key id');

eval {
    Crypt::LibSCEP::unwrap($conf, $request, undef, 'pkcs11:id=%09;type=cert',
                           '01');
};
like($@, qr/no certificate with id 09/, 'an unknown certificate id');

# ---- The PIN from the environment, and several handles --------------------

{
    local $ENV{SCEP_PERL_PIN} = $pin;
    my $by_env = token_handle(pin => undef, pin_env => 'SCEP_PERL_PIN');
    ok(Crypt::LibSCEP::pkcsreq({ handle => $by_env }, '02', $t{client},
                               $t{ca}, $t{csr}),
       'the PIN read from pin_env');
    Crypt::LibSCEP::cleanup($by_env);
}

my $other = token_handle(token => $label);
ok(Crypt::LibSCEP::pkcsreq({ handle => $other }, '02', $t{client}, $t{ca},
                           $t{csr}), 'a second handle on the same token');
ok(plain_request(), 'a PEM key on a handle of its own, meanwhile');
Crypt::LibSCEP::cleanup($handle);
my $after = Crypt::LibSCEP::pkcsreq({ handle => $other }, '02', $t{client},
                                    $t{ca}, $t{csr});
ok(openssl_verifies($after),
   'the second handle still signs after the first is released');
ok(plain_request(), 'and PEM keys still work');
Crypt::LibSCEP::cleanup($other);

done_testing();
