# Crypt::LibSCEP over the shared vectors: it reads what other
# implementations and the other languages' paths wrote, and answers
# requests made elsewhere with replies their senders can match.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use JSON::PP;
use Test::More;
use SCEPTest;

use Crypt::LibSCEP;

my $manifest = decode_json(slurp(vector_file('manifest.json')));
my @messages = grep { $_->{kind} eq 'message' && !$_->{error} }
               @{ $manifest->{vectors} };
ok(@messages > 0, 'the manifest lists messages');
my $ca = ca();
my %REQUEST = map { $_ => 1 } qw(PKCSReq RenewalReq GetCertInitial GetCert
                                 GetCRL);

sub file_text {
    my ($path) = @_;

    return defined $path ? slurp(vector_file($path)) : undef;
}

sub check_fields {
    my ($name, $m, $expected) = @_;
    my %accessor = (message_type   => 'get_message_type',
                    transaction_id => 'get_transaction_id',
                    pki_status     => 'get_pkiStatus',
                    fail_info      => 'get_failInfo');
    no strict 'refs';

    for my $field (sort keys %accessor) {
        next unless exists $expected->{$field};
        is(&{"Crypt::LibSCEP::$accessor{$field}"}($m), $expected->{$field},
           "$name: $accessor{$field}");
    }
    is(unpack('H*', Crypt::LibSCEP::get_senderNonce($m)),
       $expected->{sender_nonce}, "$name: get_senderNonce")
        if exists $expected->{sender_nonce};
    is(length Crypt::LibSCEP::get_recipientNonce($m),
       $expected->{recipient_nonce_len}, "$name: get_recipientNonce")
        if exists $expected->{recipient_nonce_len};
}

sub check_unwrapped {
    my ($name, $m, $expected) = @_;

    is(Crypt::LibSCEP::get_subject($m), $expected->{subject},
       "$name: get_subject") if exists $expected->{subject};
    is(Crypt::LibSCEP::get_issuer($m), $expected->{issuer},
       "$name: get_issuer") if exists $expected->{issuer};
    is(Crypt::LibSCEP::get_getcert_serial($m), $expected->{serial},
       "$name: get_getcert_serial") if exists $expected->{serial};
    is_deeply([openssl_subjects(Crypt::LibSCEP::get_cert($m))],
              $expected->{certificates}, "$name: get_cert")
        if exists $expected->{certificates};
    is(openssl_crl_issuer(Crypt::LibSCEP::get_crl($m)),
       $expected->{crl_issuer}, "$name: get_crl")
        if exists $expected->{crl_issuer};
}

# A CA answers a request made elsewhere: each reply names the request's
# transaction and echoes its senderNonce.
sub answer {
    my ($name, $data, $request) = @_;
    my $txid = Crypt::LibSCEP::get_transaction_id($request);
    my $nonce = Crypt::LibSCEP::get_senderNonce($request);
    my $ca_conf = {};
    my @replies = (
        Crypt::LibSCEP::create_pending_reply($ca_conf, $ca->{key},
                                             $ca->{cert}, $data),
        Crypt::LibSCEP::create_error_reply($ca_conf, $ca->{key},
                                           $ca->{cert}, $data, 'badRequest'),
    );
    for my $reply (@replies) {
        my $p = Crypt::LibSCEP::parse({}, $reply);
        ok(Crypt::LibSCEP::get_transaction_id($p) eq $txid
           && Crypt::LibSCEP::get_recipientNonce($p) eq $nonce,
           "$name: answered with its transaction and nonce");
    }
}

for my $vector (@messages) {
    my $name = $vector->{name};
    my $data = file_text($vector->{file});
    my $unwrap = $vector->{unwrap};
    my $verify = file_text($vector->{verify_cert});

    # The old interface has no certificate to verify a parse with, so
    # replies that carry no signer are read through unwrap only.
    if ($vector->{parse} && !$verify) {
        my $m = eval { Crypt::LibSCEP::parse({}, $data) };
        ok($m, "$name: parse") or diag($@);
        check_fields($name, $m, $vector->{parse}) if $m;
    }
    next unless $unwrap;

    my $conf = defined $unwrap->{password}
        ? { passin => 'pass', passwd => $unwrap->{password} } : {};
    my $m = eval {
        Crypt::LibSCEP::unwrap($conf, $data, $verify // $ca->{cert},
                               file_text($unwrap->{cert}),
                               file_text($unwrap->{key}));
    };
    ok($m, "$name: unwrap") or diag($@);
    next unless $m;
    check_fields("$name (unwrapped)", $m, $vector->{parse} // {});
    check_unwrapped($name, $m, $unwrap->{expected});
    answer($name, $data, $m)
        if $REQUEST{ Crypt::LibSCEP::get_message_type($m) }
            && $unwrap->{cert} =~ m{micromdm-ca/ca\.pem$};
}

done_testing();
