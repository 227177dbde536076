# Arguments at the edge: text with a NUL byte inside, and "", numbers,
# lists and object names for every argument of pkcsreq, parse, unwrap and
# create_error_reply_wop7.  Each gives an error with a SCEP errorCode and
# a clear message, never a crash or an empty result.
package require tcltest
package require scep
source [file join [file dirname [info script]] support.tcl]
namespace import tcltest::test
namespace eval support::keys {}
namespace upvar support::keys ca ca ca_key ca_key client_key client_key \
    client_csr client_csr client_cert client_cert \
    client_key_aes client_key_aes client_key_password client_key_password

set h [scep::Handle]
set request [$h pkcsreq $client_key $client_cert $ca $client_csr]
set nonce [binary format H* 00010002000100020001000200010002]

# Each method with good arguments, and the positions (from 0) where ""
# means "none".
set cases [list \
    pkcsreq [list [list $client_key $client_cert $ca $client_csr] {1}] \
    parse [list [list $request $client_cert] {1}] \
    unwrap [list [list $request "" $ca $ca_key] {1}] \
    create_error_reply_wop7 [list [list $ca_key $ca ABC $nonce badAlg] {}]]

proc good_result {result} {
    if {[string match "-----BEGIN PKCS7-----*" $result]} {
        return 1
    }
    return [expr {![catch {$result message_type} type] && $type ne ""}]
}

# Calls $method with argument $index replaced; "ok" for a good result,
# "error <status>" for a SCEP error with a message, else what went wrong.
proc outcome {method arguments index value} {
    global h
    set arguments [lreplace $arguments $index $index $value]
    if {[catch {$h $method {*}$arguments} result options]} {
        set code [dict get $options -errorcode]
        if {[lindex $code 0] eq "SCEP" && $result ne ""} {
            return [list error [lindex $code 1]]
        }
        return [list bad-error $code $result]
    }
    if {[good_result $result]} {
        return ok
    }
    return [list bad-result $result]
}

test arguments-1 "good arguments give a message" -body {
    set result {}
    foreach {method case} $cases {
        lassign $case arguments optional
        lappend result [outcome $method $arguments 0 [lindex $arguments 0]]
    }
    set result
} -result {ok ok ok ok}

test arguments-2 "empty and wrong values fail with a SCEP error" -body {
    set wrong {}
    set other [scep::Handle]
    foreach {method case} $cases {
        lassign $case arguments optional
        for {set i 0} {$i < [llength $arguments]} {incr i} {
            foreach value [list "" 42 {a b c} $other garbage] {
                set got [outcome $method $arguments $i $value]
                if {$value eq "" && $i in $optional && $got eq "ok"} {
                    continue
                }
                # Any text is a valid transactionID or senderNonce.
                if {$method eq "create_error_reply_wop7" && $i in {2 3}
                    && $value ne "" && $got eq "ok"} {
                    continue
                }
                if {[lindex $got 0] ne "error"} {
                    lappend wrong [list $method $i $value $got]
                }
            }
        }
    }
    rename $other {}
    set wrong
} -result {}

test arguments-3 "a missing argument is an error naming the usage" -body {
    list [catch {$h pkcsreq $client_key $client_cert $ca} message] \
        [string match "Wrong number of arguments*key cert enc_cert csr*" \
             $message]
} -result {1 1}

test nul-1 "text with a NUL byte is refused, naming the argument" -body {
    set result {}
    foreach call [list \
        [list set_key_password "a\0b"] \
        [list set_sigalg "sha256\0x"] \
        [list set_log_file "/tmp/scep\0.log"] \
        [list pkcsreq $client_key "" $ca "$client_csr\0"] \
        [list unwrap $request "" "$ca\0" $ca_key] \
        [list create_error_reply_wop7 $ca_key $ca "AB\0C" $nonce badAlg] \
        [list create_error_reply_wop7 $ca_key $ca ABC $nonce "badAlg\0"]] {
        lappend result [support::error_code {$h {*}$call}]
    }
    join $result \n
} -result [join {
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 1 (password) contains a NUL byte}}
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 1 (digest) contains a NUL byte}}
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 1 (path) contains a NUL byte}}
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 4 (csr) contains a NUL byte}}
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 3 (enc_cert) contains a NUL byte}}
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 3 (transaction_id) contains a NUL byte}}
    {{SCEP SCEP_ERR_ARGUMENT 1} {argument 5 (fail_info) contains a NUL byte}}
} \n]

test nul-2 "a password is not cut at a NUL byte" -body {
    set hh [scep::Handle]
    set refused [support::error_code {
        $hh set_key_password "$client_key_password\0wrong"}]
    set loaded [support::error_code {
        $hh pkcsreq $client_key_aes "" $ca $client_csr}]
    rename $hh {}
    list [lindex $refused 0 1] [lindex $loaded 0 1]
} -result {SCEP_ERR_ARGUMENT SCEP_ERR_KEY}

test nul-3 "byte arguments keep their NUL bytes" -body {
    set tid [[$h parse $request] transaction_id]
    set reply [$h create_pending_reply_wop7 $ca_key $ca $tid $nonce]
    expr {[[$h parse $reply $ca] recipient_nonce] eq $nonce}
} -result 1

set failed $tcltest::numTests(Failed)
tcltest::cleanupTests
exit [expr {$failed > 0}]
