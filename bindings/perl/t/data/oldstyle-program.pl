#!/usr/bin/perl
# A program written the way the old Crypt::LibSCEP documentation and
# OpenXPKI's SCEP server used the module.  It must run unchanged.
#
# Usage: oldstyle-program.pl CLIENT_KEY CLIENT_CERT CSR CA_CERT CA_KEY
#                            CA_PASSWORD ISSUED_CERT
use strict;
use warnings;
use Crypt::LibSCEP;

sub read_file {
    my $file = shift;
    open my $fh, '<', $file or die "Could not open file $file";
    local $/;
    my $content = <$fh>;
    close $fh;
    return $content;
}

my ($sig_key, $sig_cert, $req, $enc_cert, $ca_key, $pwd, $issued) =
    (read_file($ARGV[0]), read_file($ARGV[1]), read_file($ARGV[2]),
     read_file($ARGV[3]), read_file($ARGV[4]), $ARGV[5],
     read_file($ARGV[6]));
my $ca_cert = $enc_cert;

# Client: a handle for the session, as in the documentation.
my $config = {sigalg => "sha256", encalg => "aes256"};
my $handle = Crypt::LibSCEP::create_handle($config);
my $conf = {handle => $handle};
my $pkcsreq = Crypt::LibSCEP::pkcsreq($conf, $sig_key, $sig_cert, $enc_cert, $req);
my $pkcsreq_parsed = Crypt::LibSCEP::parse($conf, $pkcsreq);
print "client transaction ", Crypt::LibSCEP::get_transaction_id($pkcsreq_parsed), "\n";

# Server: OpenXPKI's unwrap and accessors.
my $server_conf = {passin => "pass", passwd => $pwd};
my $scep_handle = "";
eval {
    $scep_handle = Crypt::LibSCEP::unwrap($server_conf, $pkcsreq, $ca_cert, $ca_cert, $ca_key);
};
if ($@) {
    die "unwrap failed: $@";
}
my $message_type = Crypt::LibSCEP::get_message_type($scep_handle);
my $transid = Crypt::LibSCEP::get_transaction_id($scep_handle);
my $senderNonce = Crypt::LibSCEP::get_senderNonce($scep_handle);
my $signerCert = Crypt::LibSCEP::get_signer_cert($scep_handle);
my $csr = Crypt::LibSCEP::get_pkcs10($scep_handle);
print "server type $message_type\n";
print "server transaction $transid\n";
print "server nonce ", unpack('H*', $senderNonce), "\n";
print "server csr matches\n" if $csr eq $req;
print "server signer matches\n" if $signerCert eq $sig_cert;

# The password from the environment, as OpenXPKI set it.
$ENV{pwd} = $pwd;
my $pending = Crypt::LibSCEP::create_pending_reply_wop7({passin => "env", sigalg => "sha256"}, $ca_key, $ca_cert, $transid, $senderNonce);
$ENV{pwd} = '';
my $error = Crypt::LibSCEP::create_error_reply($server_conf, $ca_key, $ca_cert, $pkcsreq, "badRequest");
my $certrep = Crypt::LibSCEP::create_certificate_reply_wop7({passin => "pass", passwd => $pwd, sigalg => "sha256", encalg => "aes256"}, $ca_key, $ca_cert, $transid, $senderNonce, $signerCert, $issued . "\n" . $ca_cert);

# Client: read each answer.
for my $reply ($pending, $error) {
    my $parsed = Crypt::LibSCEP::parse($conf, $reply);
    my $status = Crypt::LibSCEP::get_pkiStatus($parsed);
    print "client status $status";
    print " ", Crypt::LibSCEP::get_failInfo($parsed) if $status eq "FAILURE";
    print " echo" if Crypt::LibSCEP::get_recipientNonce($parsed) eq $senderNonce;
    print "\n";
}
my $unwrapped = Crypt::LibSCEP::unwrap($conf, $certrep, $ca_cert, $sig_cert, $sig_key);
print "client status ", Crypt::LibSCEP::get_pkiStatus($unwrapped), "\n";
print "client certificates match\n" if Crypt::LibSCEP::get_cert($unwrapped) eq $issued . $ca_cert;
Crypt::LibSCEP::cleanup($handle);
print "done\n";
