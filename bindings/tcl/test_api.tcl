# Every method of the Tcl package: builders round-tripped through parse and
# unwrap, configuration, errors and object lifetimes.
package require tcltest
package require scep
source [file join [file dirname [info script]] support.tcl]
namespace import tcltest::test
namespace eval support::keys {}
namespace upvar support::keys ca ca ca_key ca_key client_key client_key \
    client_csr client_csr client_cert client_cert other_key other_key \
    issued issued ra_sign ra_sign ra_encrypt ra_encrypt crl crl \
    client_key_aes client_key_aes client_key_password client_key_password

set client_subject /C=DE/O=libscep-test/CN=libscep-client-1
set ca_subject {/C=US/O=scep-ca/OU=SCEP CA}
set h [scep::Handle]
$h set_output_format $scep::FORMAT_DER
set request [$h pkcsreq $client_key $client_cert $ca $client_csr]
set req [$h parse $request]

proc unwrap_as_ca {data} {
    global h ca ca_key
    return [$h unwrap $data "" $ca $ca_key]
}

proc unwrap_as_client {data} {
    global h ca client_cert client_key
    return [$h unwrap $data $ca $client_cert $client_key]
}

# Parses a reply to $request; gives its status, and whether its
# transactionID and recipientNonce answer the request.
proc reply_summary {reply} {
    global h ca req
    set msg [$h parse $reply $ca]
    set summary [list [$msg message_type] [$msg pki_status] \
        [expr {[$msg transaction_id] eq [$req transaction_id]}] \
        [expr {[$msg recipient_nonce] eq [$req sender_nonce]}]]
    rename $msg {}
    return $summary
}

test module-1 "version, constants, status names" -body {
    list [scep::version] $scep::FORMAT_PEM $scep::FORMAT_DER \
        $scep::LOG_DEBUG $scep::ERR_VERIFY [scep::status_name 8]
} -result {1.0.0 0 1 5 8 SCEP_ERR_VERIFY}

test request-1 "a PEM PKCSReq is text and unwraps" -body {
    set pem [[scep::Handle] pkcsreq $client_key "" $ca $client_csr]
    set binary [support::is_bytearray $pem]
    set msg [unwrap_as_ca $pem]
    list [string match "-----BEGIN PKCS7-----*" $pem] \
        $binary [$msg message_type] [$msg subject] \
        [$msg signature_verified] [$msg digest] [$msg cipher] \
        [string match "*CERTIFICATE REQUEST*" [$msg pkcs10]] \
        [string length [$msg sender_nonce]]
} -result [list 1 0 PKCSReq $client_subject 1 sha256 aes-128-cbc 1 16]

test request-2 "a DER PKCSReq is a byte array" -body {
    list [support::is_bytearray $request] [string index $request 0] \
        [support::cert_subjects [$req signer_cert]]
} -result [list 1 0 [list $client_subject]]

test request-3 "algorithms are used and reported" -body {
    set hh [scep::Handle]
    $hh set_sigalg sha512
    $hh set_encalg des3
    set msg [$hh unwrap [$hh pkcsreq $client_key "" $ca $client_csr] "" \
        $ca $ca_key]
    set result [list [$hh get_sigalg] [$hh get_encalg] [$msg digest] \
        [$msg cipher]]
    $hh set_sigalg
    $hh set_encalg ""
    lappend result [$hh get_sigalg] [$hh get_encalg]
} -result {sha512 des3 sha512 des-ede3-cbc {} {}}

test request-4 "renewalreq" -body {
    set msg [unwrap_as_ca [$h renewalreq $client_key $client_cert $ca \
        $client_csr]]
    list [$msg message_type] [$msg subject]
} -result [list RenewalReq $client_subject]

test request-5 "getcertinitial" -body {
    set msg [unwrap_as_ca [$h getcertinitial $client_key $client_cert $ca \
        $client_csr $ca]]
    list [$msg message_type] [$msg subject] [$msg issuer]
} -result [list GetCertInitial $client_subject $ca_subject]

test request-6 "getcert" -body {
    set msg [unwrap_as_ca [$h getcert $client_key $client_cert $ca $ca 0x11]]
    list [$msg message_type] [$msg issuer] [$msg getcert_serial]
} -result [list GetCert $ca_subject 17]

test request-7 "getcrl" -body {
    set msg [unwrap_as_ca [$h getcrl $client_key $client_cert $ca $issued]]
    list [$msg message_type] [$msg issuer] [$msg getcert_serial]
} -result [list GetCRL $ca_subject 11]

test reply-1 "pending reply, from the request and from its parts" -body {
    list [reply_summary [$h create_pending_reply $ca_key $ca $request]] \
        [reply_summary [$h create_pending_reply_wop7 $ca_key $ca \
            [$req transaction_id] [$req sender_nonce]]]
} -result {{CertRep PENDING 1 1} {CertRep PENDING 1 1}}

test reply-2 "error reply, from the request and from its parts" -body {
    set one [$h create_error_reply $ca_key $ca $request badCertId]
    set two [$h create_error_reply_wop7 $ca_key $ca [$req transaction_id] \
        [$req sender_nonce] badTime]
    list [reply_summary $one] [[$h parse $one] fail_info] \
        [reply_summary $two] [[$h parse $two] fail_info]
} -result {{CertRep FAILURE 1 1} badCertId {CertRep FAILURE 1 1} badTime}

test reply-3 "certificate reply, from the request and from its parts" -body {
    set one [$h create_certificate_reply $ca_key $ca $request $issued$ca]
    set two [$h create_certificate_reply_wop7 $ca_key $ca \
        [$req transaction_id] [$req sender_nonce] $client_cert $issued]
    list [reply_summary $one] \
        [support::cert_subjects [[unwrap_as_client $one] cert]] \
        [support::cert_subjects [[unwrap_as_client $two] cert]]
} -result [list {CertRep SUCCESS 1 1} [list $client_subject $ca_subject] \
    [list $client_subject]]

test reply-4 "CRL reply, from the request and from its parts" -body {
    set getcrl [$h getcrl $client_key $client_cert $ca $issued]
    set one [$h create_crl_reply $ca_key $ca $getcrl $crl]
    set two [$h create_crl_reply_wop7 $ca_key $ca [$req transaction_id] \
        [$req sender_nonce] $client_cert $crl]
    list [support::crl_issuer [[unwrap_as_client $one] crl]] \
        [support::crl_issuer [[unwrap_as_client $two] crl]]
} -result [list $ca_subject $ca_subject]

test bundle-1 "certs-only bundles, unsigned and signed" -body {
    set chain $ca$ra_sign$ra_encrypt
    set result {}
    foreach bundle [list [$h create_certs_only $chain "" ""] \
                        [$h create_certs_only $chain $ca_key $ca] \
                        [$h create_nextca_reply $chain $ca $ca_key]] {
        set msg [$h read_ca_certs $bundle]
        lappend result [list [$msg message_type] \
            [support::cert_subject [$msg ca_cert]] \
            [support::cert_subject [$msg ra_signing_cert]] \
            [support::cert_subject [$msg ra_encryption_cert]] \
            [llength [support::cert_subjects [$msg cert]]]]
        rename $msg {}
    }
    lsort -unique $result
} -result [list [list CertsOnly $ca_subject /C=US/O=scep-ca/CN=ra-sign \
    /C=US/O=scep-ca/CN=ra-encrypt 3]]

test input-1 "decode_input gives DER bytes from PEM text" -body {
    set pem [[scep::Handle] pkcsreq $client_key "" $ca $client_csr]
    set der [$h decode_input $pem]
    list [support::is_bytearray $der] [string index $der 0] \
        [expr {[$h decode_input $request] eq $request}]
} -result {1 0 1}

test input-2 "parse_capabilities" -body {
    expr {[$h parse_capabilities "SHA-512\r\nRenewal\r\n"] ==
          ($scep::CAP_SHA512 | $scep::CAP_RENEWAL)}
} -result 1

test config-1 "encrypted key: password given, from the environment" -body {
    set hh [scep::Handle]
    set before [lindex [support::error_code {
        $hh pkcsreq $client_key_aes "" $ca $client_csr}] 0]
    $hh set_key_password $client_key_password
    set one [[$hh unwrap [$hh pkcsreq $client_key_aes "" $ca $client_csr] \
        "" $ca $ca_key] subject]
    $hh set_key_password
    set ::env(SCEP_TEST_KEY_PASSWORD) $client_key_password
    $hh set_key_password_env SCEP_TEST_KEY_PASSWORD
    set two [[$hh unwrap [$hh pkcsreq $client_key_aes "" $ca $client_csr] \
        "" $ca $ca_key] subject]
    unset ::env(SCEP_TEST_KEY_PASSWORD)
    list [lrange $before 0 1] $one $two
} -result [list {SCEP SCEP_ERR_KEY} $client_subject $client_subject]

test config-2 "log file receives lines; one that cannot be opened" -body {
    set log [file join [tcltest::temporaryDirectory] scep-[pid].log]
    set hh [scep::Handle]
    $hh set_log_level $scep::LOG_DEBUG
    $hh set_log_file $log
    catch {$hh parse "not a message"}
    $hh set_log_file
    set f [open $log]
    set logged [string match "*not a SCEP message*" [read $f]]
    close $f
    file delete $log
    list $logged [support::error_code {
        $hh set_log_file /nonexistent/folder/scep.log}]
} -match glob -result {1 {{SCEP SCEP_ERR_IO 13} *nonexistent/folder/scep.log*}}

test config-3 "PKCS#11 module that does not exist" -body {
    set hh [scep::Handle]
    list [support::error_code {
        $hh set_pkcs11 /nonexistent/module.so 1234 "" -1}] \
        [$hh set_pkcs11_pin_env SCEP_TEST_PIN]
} -match glob -result {{{SCEP SCEP_ERR_PKCS11 14} *nonexistent/module.so*} {}}

test error-1 "garbage input" -body {
    list [support::error_code {$h parse "\x00garbage\xff"}] \
        [$h last_status]
} -match glob -result {{{SCEP SCEP_ERR_FORMAT 3} *not a SCEP message*} 3}

test error-2 "wrong key cannot decrypt" -body {
    lindex [support::error_code {$h unwrap $request "" $ca $other_key}] 0 1
} -match regexp -result {SCEP_ERR_(DECRYPT|KEY)}

test error-3 "a tampered message fails with the handle's message" -body {
    set tampered [string replace $request 1000 1000 \
        [format %c [expr {[scan [string index $request 1000] %c] ^ 1}]]]
    lassign [support::error_code {$h parse $tampered}] code message
    list [lindex $code 1] [expr {$message eq [$h last_error]}]
} -match regexp -result {SCEP_ERR_(VERIFY|FORMAT) 1}

test error-4 "reply from an untrusted signer" -body {
    set reply [$h create_pending_reply $ca_key $ca $request]
    lindex [support::error_code {$h parse $reply $client_cert}] 0
} -result {SCEP SCEP_ERR_VERIFY 8}

test error-5 "bad algorithm names" -body {
    list [support::error_code {$h set_sigalg sha3-1000}] \
        [lindex [support::error_code {$h set_encalg rot13}] 0]
} -match glob -result {{{SCEP SCEP_ERR_ALGORITHM 6} *"sha3-1000"*} {SCEP SCEP_ERR_ALGORITHM 6}}

test error-6 "unknown failInfo" -body {
    support::error_code {$h create_error_reply $ca_key $ca $request badLuck}
} -match glob -result {{SCEP SCEP_ERR_ARGUMENT 1} *badLuck*}

test error-7 "a missing value is an error, not an empty string" -body {
    set result {}
    foreach getter {fail_info fail_info_text cert crl pki_status
                    recipient_nonce pkcs10} {
        lappend result [lindex [support::error_code {$req $getter}] 0 1]
    }
    list [lsort -unique $result] [$req last_status] \
        [string match "*has no*" [$req last_error]]
} -result {SCEP_ERR_STATE 11 1}

test lifetime-1 "a message outlives its handle" -body {
    set hh [scep::Handle]
    set msg [$hh unwrap $request "" $ca $ca_key]
    rename $hh {}
    set result [list [$msg subject] [string length [$msg sender_nonce]]]
    rename $msg {}
    set result
} -result [list $client_subject 16]

test lifetime-2 "a deleted object is gone, not dangling" -body {
    set msg [$h parse $request]
    $msg -delete
    list [catch {$msg transaction_id} message] \
        [string match "invalid command name*" $message]
} -result {1 1}

set failed $tcltest::numTests(Failed)
tcltest::cleanupTests
exit [expr {$failed > 0}]
