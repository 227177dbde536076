# Every function of Crypt::LibSCEP, with the values the old module's
# callers compare: transaction IDs, one-line names, PEM as openssl prints
# it, certificates issued one first; and what changed on purpose.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use SCEPTest;

use Crypt::LibSCEP;

my $client = client();
my $ca = ca();
my $crl = slurp(data_file('ca-crl.pem'));
my $txid = spki_transaction_id($client->{csr});
my $ca_name = '/C=US/O=scep-ca/OU=SCEP CA';
my $handle = Crypt::LibSCEP::create_handle({});
my $conf = { handle => $handle };

# ---- Requests ---------------------------------------------------------

my $pkcsreq = Crypt::LibSCEP::pkcsreq($conf, $client->{key},
    $client->{cert}, $ca->{cert}, $client->{csr});
like($pkcsreq, qr/\A-----BEGIN PKCS7-----\n[A-Za-z0-9+\/=\n]+-----END PKCS7-----\n\z/,
     'pkcsreq: PEM PKCS7');
my $parsed = Crypt::LibSCEP::parse($conf, $pkcsreq);
isa_ok($parsed, 'Crypt::LibSCEP', 'parse result');
is(Crypt::LibSCEP::get_transaction_id($parsed), $txid,
   'pkcsreq: uppercase SHA-256 transaction id');
is(Crypt::LibSCEP::get_message_type($parsed), 'PKCSReq', 'message type');
is(Crypt::LibSCEP::get_signer_cert($parsed), $client->{cert},
   'get_signer_cert as openssl prints it');
is(length Crypt::LibSCEP::get_senderNonce($parsed), 16, 'senderNonce');
is(Crypt::LibSCEP::get_recipientNonce($parsed), '',
   'a request has an empty recipientNonce, as before');

# The old callers pass the CA certificate as $sig_cert of a request.
my $unwrapped = Crypt::LibSCEP::unwrap({}, $pkcsreq, $ca->{cert},
                                       $ca->{cert}, $ca->{key});
is(Crypt::LibSCEP::get_pkcs10($unwrapped), $client->{csr},
   'get_pkcs10 as openssl prints it');
is(Crypt::LibSCEP::get_subject($unwrapped),
   '/C=DE/O=libscep-test/CN=libscep-client-1', 'get_subject: one line');

my $gci = Crypt::LibSCEP::getcertinitial($conf, $client->{key},
    $client->{cert}, $ca->{cert}, $client->{csr}, $ca->{cert});
my $gci_in = Crypt::LibSCEP::unwrap({}, $gci, $ca->{cert}, $ca->{cert},
                                    $ca->{key});
is(Crypt::LibSCEP::get_message_type($gci_in), 'GetCertInitial',
   'getcertinitial');
is(Crypt::LibSCEP::get_transaction_id($gci_in), $txid,
   'getcertinitial: the PKCSReq transaction id');
is(Crypt::LibSCEP::get_subject($gci_in),
   '/C=DE/O=libscep-test/CN=libscep-client-1', 'getcertinitial subject');
is(Crypt::LibSCEP::get_issuer($gci_in), $ca_name, 'getcertinitial issuer');

my $getcert = Crypt::LibSCEP::getcert($conf, $client->{key},
    $client->{cert}, $ca->{cert}, $ca->{cert}, '11');
my $getcert_in = Crypt::LibSCEP::unwrap({}, $getcert, $ca->{cert},
                                        $ca->{cert}, $ca->{key});
is(Crypt::LibSCEP::get_message_type($getcert_in), 'GetCert', 'getcert');
is(Crypt::LibSCEP::get_getcert_serial($getcert_in), '11', 'getcert serial');
is(Crypt::LibSCEP::get_issuer($getcert_in), $ca_name, 'getcert issuer');
like(Crypt::LibSCEP::get_transaction_id($getcert_in), qr/\A[0-9A-F]{64}\z/,
     'getcert: uppercase SHA-256 transaction id');

my $getcrl = Crypt::LibSCEP::getcrl($conf, $client->{key},
    $client->{cert}, $ca->{cert}, $client->{issued});
my $getcrl_in = Crypt::LibSCEP::unwrap({}, $getcrl, $ca->{cert},
                                       $ca->{cert}, $ca->{key});
is(Crypt::LibSCEP::get_message_type($getcrl_in), 'GetCRL', 'getcrl');
is(Crypt::LibSCEP::get_getcert_serial($getcrl_in), '11', 'getcrl serial');
is(Crypt::LibSCEP::get_issuer($getcrl_in), $ca_name, 'getcrl issuer');

# ---- Replies ----------------------------------------------------------

my $nonce = Crypt::LibSCEP::get_senderNonce($parsed);
my $ca_conf = {};

sub check_reply {
    my ($name, $reply, $status, $request_txid, $request_nonce) = @_;
    my $p = Crypt::LibSCEP::parse($conf, $reply);

    is(Crypt::LibSCEP::get_message_type($p), 'CertRep', "$name: CertRep");
    is(Crypt::LibSCEP::get_pkiStatus($p), $status, "$name: $status");
    is(Crypt::LibSCEP::get_transaction_id($p), $request_txid,
       "$name: transaction id");
    is(Crypt::LibSCEP::get_recipientNonce($p), $request_nonce,
       "$name: recipientNonce is the request's senderNonce");
    isnt(Crypt::LibSCEP::get_senderNonce($p), $request_nonce,
         "$name: a fresh senderNonce");
    is(Crypt::LibSCEP::get_signer_cert($p), $ca->{cert}, "$name: signer");
    return $p;
}

check_reply('pending', Crypt::LibSCEP::create_pending_reply($ca_conf,
    $ca->{key}, $ca->{cert}, $pkcsreq), 'PENDING', $txid, $nonce);
check_reply('pending to an object', Crypt::LibSCEP::create_pending_reply(
    $ca_conf, $ca->{key}, $ca->{cert}, $parsed), 'PENDING', $txid, $nonce);
check_reply('pending_wop7', Crypt::LibSCEP::create_pending_reply_wop7(
    $ca_conf, $ca->{key}, $ca->{cert}, $txid, $nonce), 'PENDING', $txid,
    $nonce);
my $poll_nonce = Crypt::LibSCEP::get_senderNonce($gci_in);
check_reply('pending to GetCertInitial', Crypt::LibSCEP::create_pending_reply(
    $ca_conf, $ca->{key}, $ca->{cert}, $gci), 'PENDING', $txid, $poll_nonce);

for my $fail_info (qw(badAlg badMessageCheck badRequest badTime badCertId)) {
    for my $form (qw(p7 wop7)) {
        my $reply = $form eq 'p7'
            ? Crypt::LibSCEP::create_error_reply($ca_conf, $ca->{key},
                  $ca->{cert}, $pkcsreq, $fail_info)
            : Crypt::LibSCEP::create_error_reply_wop7($ca_conf, $ca->{key},
                  $ca->{cert}, $txid, $nonce, $fail_info);
        my $p = check_reply("error $fail_info $form", $reply, 'FAILURE',
                            $txid, $nonce);
        is(Crypt::LibSCEP::get_failInfo($p), $fail_info,
           "error $fail_info $form: get_failInfo");
    }
}
eval { Crypt::LibSCEP::create_error_reply($ca_conf, $ca->{key}, $ca->{cert},
                                          $pkcsreq, 'badLuck') };
like($@, qr/badLuck/, 'an unknown failInfo croaks naming it');

my $chain = $client->{issued} . "\n" . $ca->{cert};
for my $form (qw(p7 wop7)) {
    my $reply = $form eq 'p7'
        ? Crypt::LibSCEP::create_certificate_reply($ca_conf, $ca->{key},
              $ca->{cert}, $pkcsreq, $chain)
        : Crypt::LibSCEP::create_certificate_reply_wop7($ca_conf,
              $ca->{key}, $ca->{cert}, $txid, $nonce, $client->{cert},
              $chain);
    check_reply("certificate $form", $reply, 'SUCCESS', $txid, $nonce);
    my $u = Crypt::LibSCEP::unwrap($conf, $reply, $ca->{cert},
                                   $client->{cert}, $client->{key});
    is(Crypt::LibSCEP::get_cert($u), $client->{issued} . $ca->{cert},
       "certificate $form: get_cert, issued first, no blank line");
}

my $getcrl_nonce = Crypt::LibSCEP::get_senderNonce($getcrl_in);
my $getcrl_txid = Crypt::LibSCEP::get_transaction_id($getcrl_in);
for my $form (qw(p7 wop7)) {
    my $reply = $form eq 'p7'
        ? Crypt::LibSCEP::create_crl_reply($ca_conf, $ca->{key},
              $ca->{cert}, $getcrl, $crl)
        : Crypt::LibSCEP::create_crl_reply_wop7($ca_conf, $ca->{key},
              $ca->{cert}, $getcrl_txid, $getcrl_nonce, $client->{cert},
              $crl);
    check_reply("crl $form", $reply, 'SUCCESS', $getcrl_txid,
                $getcrl_nonce);
    my $u = Crypt::LibSCEP::unwrap($conf, $reply, $ca->{cert},
                                   $client->{cert}, $client->{key});
    is(Crypt::LibSCEP::get_crl($u), $crl, "crl $form: get_crl");
}

my $nextca = Crypt::LibSCEP::create_nextca_reply($ca_conf,
    $client->{issued} . $ca->{cert}, $ca->{cert}, $ca->{key});
like($nextca, qr/\A-----BEGIN PKCS7-----\n/, 'create_nextca_reply: PEM');
my $bundle = scep::Handle->new()->read_ca_certs($nextca);
is($bundle->cert(), $client->{issued} . $ca->{cert},
   'create_nextca_reply holds every certificate of the chain');

# ---- Accessors that have nothing to give croak ------------------------

for my $case (['get_failInfo', $parsed, qr/no failInfo/],
              ['get_pkiStatus', $parsed, qr/no pkiStatus/],
              ['get_pkcs10', $parsed, qr/CSR|pkcs10|PKCS#10/i],
              ['get_cert', $parsed, qr/certificate/],
              ['get_crl', $parsed, qr/CRL/],
              ['get_getcert_serial', $parsed, qr/serial/]) {
    my ($function, $message, $pattern) = @$case;
    no strict 'refs';
    my $value = eval { &{"Crypt::LibSCEP::$function"}($message) };
    ok(!defined $value, "$function of a parsed PKCSReq croaks");
    like($@, $pattern, "$function: the message says what is missing");
    like($@, qr/at \Q$0\E line \d+/, "$function: from the caller's line");
}
eval { Crypt::LibSCEP::get_cert('not a message') };
like($@, qr/not a message that parse or unwrap returned/,
     'accessors check their argument');

# ---- Messages outlive handles; cleanup ---------------------------------

Crypt::LibSCEP::cleanup($handle);
is(Crypt::LibSCEP::get_message_type($parsed), 'PKCSReq',
   'a message outlives cleanup of its handle');
eval { Crypt::LibSCEP::parse($conf, $pkcsreq) };
like($@, qr/already released with cleanup/, 'a cleaned up handle croaks');
eval { Crypt::LibSCEP::cleanup('handle') };
like($@, qr/not a handle that create_handle returned/, 'cleanup checks');
eval { Crypt::LibSCEP::cleanup($handle) };
is($@, '', 'cleanup twice is harmless');

done_testing();
