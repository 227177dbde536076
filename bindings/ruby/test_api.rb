# Every method of the Ruby API: builders round-tripped through parse and
# unwrap, configuration, errors, predicates and object lifetimes.
require 'minitest/autorun'
require 'tmpdir'
require 'scep'
require_relative 'support'

class TestAPI < Minitest::Test
  include Support
  K = Support::Keys
  CLIENT_SUBJECT = '/C=DE/O=libscep-test/CN=libscep-client-1'.freeze
  CA_SUBJECT = '/C=US/O=scep-ca/OU=SCEP CA'.freeze

  def setup
    @handle = SCEP::Handle.new
  end

  def request_der
    @handle.set_output_format(SCEP::FORMAT_DER)
    @handle.pkcsreq(K::CLIENT_KEY, K::CLIENT_CERT, K::CA, K::CLIENT_CSR)
  end

  def unwrap_as_ca(data)
    @handle.unwrap(data, nil, K::CA, K::CA_KEY)
  end

  def unwrap_as_client(data)
    @handle.unwrap(data, K::CA, K::CLIENT_CERT, K::CLIENT_KEY)
  end

  def check_reply(reply, request, status)
    req = @handle.parse(request)
    msg = @handle.parse(reply, K::CA)
    assert_equal 'CertRep', msg.message_type
    assert_equal status, msg.pki_status
    assert_equal req.transaction_id, msg.transaction_id
    assert_equal req.sender_nonce, msg.recipient_nonce
    refute_equal req.sender_nonce, msg.sender_nonce
    msg
  end

  # ---- module ------------------------------------------------------------

  def test_version_and_constants
    assert_equal '1.0.0', SCEP.version
    assert_equal [0, 1], [SCEP::FORMAT_PEM, SCEP::FORMAT_DER]
    assert_equal [0, 5], [SCEP::LOG_NONE, SCEP::LOG_DEBUG]
    assert_equal 8, SCEP::ERR_VERIFY
    assert_equal 'SCEP_ERR_VERIFY', SCEP.status_name(SCEP::ERR_VERIFY)
  end

  def test_error_classes_form_one_hierarchy
    assert SCEP::Error < StandardError
    %i[InvalidArgumentError OutOfMemoryError FormatError KeyLoadError
       CertificateError AlgorithmError MessageAttributeError VerifyError
       DecryptError ContentError StateError LimitError FileError
       PKCS11Error InternalError].each do |name|
      assert SCEP.const_get(name) < SCEP::Error, name
    end
  end

  # ---- requests ----------------------------------------------------------

  def test_pkcsreq_pem_is_text_and_unwraps
    request = @handle.pkcsreq(K::CLIENT_KEY, nil, K::CA, K::CLIENT_CSR)
    assert_equal Encoding::UTF_8, request.encoding
    assert request.start_with?('-----BEGIN PKCS7-----')
    msg = unwrap_as_ca(request)
    assert_equal 'PKCSReq', msg.message_type
    assert_equal CLIENT_SUBJECT, msg.subject
    assert msg.signature_verified?
    assert_equal %w[sha256 aes-128-cbc], [msg.digest, msg.cipher]
    assert_includes msg.pkcs10, 'BEGIN CERTIFICATE REQUEST'
    assert_equal 16, msg.sender_nonce.bytesize
  end

  def test_pkcsreq_der_is_binary
    der = request_der
    assert_equal Encoding::BINARY, der.encoding
    assert_equal 0x30, der.getbyte(0)
    msg = @handle.parse(der)
    assert_equal [CLIENT_SUBJECT], cert_subjects(msg.signer_cert)
  end

  def test_algorithms
    @handle.set_sigalg('sha512')
    @handle.set_encalg('des3')
    assert_equal %w[sha512 des3], [@handle.get_sigalg, @handle.get_encalg]
    msg = unwrap_as_ca(@handle.pkcsreq(K::CLIENT_KEY, nil, K::CA, K::CLIENT_CSR))
    assert_equal %w[sha512 des-ede3-cbc], [msg.digest, msg.cipher]
    @handle.set_sigalg(nil)
    @handle.set_encalg
    assert_nil @handle.get_sigalg
    assert_nil @handle.get_encalg
  end

  def test_renewalreq
    msg = unwrap_as_ca(@handle.renewalreq(K::CLIENT_KEY, K::CLIENT_CERT, K::CA,
                                          K::CLIENT_CSR))
    assert_equal ['RenewalReq', CLIENT_SUBJECT], [msg.message_type, msg.subject]
  end

  def test_getcertinitial
    msg = unwrap_as_ca(@handle.getcertinitial(K::CLIENT_KEY, K::CLIENT_CERT,
                                              K::CA, K::CLIENT_CSR, K::CA))
    assert_equal ['GetCertInitial', CLIENT_SUBJECT, CA_SUBJECT],
                 [msg.message_type, msg.subject, msg.issuer]
  end

  def test_getcert
    msg = unwrap_as_ca(@handle.getcert(K::CLIENT_KEY, K::CLIENT_CERT, K::CA,
                                       K::CA, '0x11'))
    assert_equal ['GetCert', CA_SUBJECT, '17'],
                 [msg.message_type, msg.issuer, msg.getcert_serial]
  end

  def test_getcrl
    msg = unwrap_as_ca(@handle.getcrl(K::CLIENT_KEY, K::CLIENT_CERT, K::CA,
                                      K::ISSUED))
    assert_equal ['GetCRL', CA_SUBJECT, '11'],
                 [msg.message_type, msg.issuer, msg.getcert_serial]
  end

  # ---- replies -----------------------------------------------------------

  def test_pending_reply_and_predicates
    req = request_der
    msg = check_reply(@handle.create_pending_reply(K::CA_KEY, K::CA, req),
                      req, 'PENDING')
    assert msg.pending?
    refute msg.success?
    refute msg.failure?
    assert_raises(SCEP::StateError) { msg.fail_info }
  end

  def test_pending_reply_wop7
    req = request_der
    parsed = @handle.parse(req)
    reply = @handle.create_pending_reply_wop7(K::CA_KEY, K::CA,
                                              parsed.transaction_id,
                                              parsed.sender_nonce)
    check_reply(reply, req, 'PENDING')
  end

  def test_error_reply
    req = request_der
    msg = check_reply(@handle.create_error_reply(K::CA_KEY, K::CA, req,
                                                 'badCertId'), req, 'FAILURE')
    assert msg.failure?
    assert_equal 'badCertId', msg.fail_info
    error = assert_raises(SCEP::StateError) { msg.fail_info_text }
    assert_includes error.message, 'failInfoText'
  end

  def test_error_reply_wop7
    req = request_der
    parsed = @handle.parse(req)
    reply = @handle.create_error_reply_wop7(K::CA_KEY, K::CA,
                                            parsed.transaction_id,
                                            parsed.sender_nonce, 'badTime')
    assert_equal 'badTime', check_reply(reply, req, 'FAILURE').fail_info
  end

  def test_certificate_reply
    req = request_der
    reply = @handle.create_certificate_reply(K::CA_KEY, K::CA, req,
                                             K::ISSUED + K::CA)
    assert check_reply(reply, req, 'SUCCESS').success?
    assert_equal [CLIENT_SUBJECT, CA_SUBJECT],
                 cert_subjects(unwrap_as_client(reply).cert)
  end

  def test_certificate_reply_wop7
    parsed = @handle.parse(request_der)
    reply = @handle.create_certificate_reply_wop7(
      K::CA_KEY, K::CA, parsed.transaction_id, parsed.sender_nonce,
      K::CLIENT_CERT, K::ISSUED)
    assert_equal [CLIENT_SUBJECT], cert_subjects(unwrap_as_client(reply).cert)
  end

  def test_crl_reply
    @handle.set_output_format(SCEP::FORMAT_DER)
    req = @handle.getcrl(K::CLIENT_KEY, K::CLIENT_CERT, K::CA, K::ISSUED)
    reply = @handle.create_crl_reply(K::CA_KEY, K::CA, req, K::CRL)
    assert_equal CA_SUBJECT, crl_issuer(unwrap_as_client(reply).crl)
  end

  def test_crl_reply_wop7
    parsed = @handle.parse(request_der)
    reply = @handle.create_crl_reply_wop7(K::CA_KEY, K::CA,
                                          parsed.transaction_id,
                                          parsed.sender_nonce,
                                          K::CLIENT_CERT, K::CRL)
    assert_equal CA_SUBJECT, crl_issuer(unwrap_as_client(reply).crl)
  end

  # ---- bundles, input forms, capabilities ---------------------------------

  def test_certs_only_and_nextca
    chain = K::CA + K::RA_SIGN + K::RA_ENCRYPT
    [@handle.create_certs_only(chain, nil, nil),
     @handle.create_certs_only(chain, K::CA_KEY, K::CA),
     @handle.create_nextca_reply(chain, K::CA, K::CA_KEY)].each do |bundle|
      msg = @handle.read_ca_certs(bundle)
      assert_equal 'CertsOnly', msg.message_type
      assert_equal [CA_SUBJECT], cert_subjects(msg.ca_cert)
      assert_equal ['/C=US/O=scep-ca/CN=ra-sign'],
                   cert_subjects(msg.ra_signing_cert)
      assert_equal ['/C=US/O=scep-ca/CN=ra-encrypt'],
                   cert_subjects(msg.ra_encryption_cert)
      assert_equal 3, cert_subjects(msg.cert).size
    end
  end

  def test_decode_input
    der = request_der
    @handle.set_output_format(SCEP::FORMAT_PEM)
    pem = @handle.pkcsreq(K::CLIENT_KEY, nil, K::CA, K::CLIENT_CSR)
    assert_equal 0x30, @handle.decode_input(pem).getbyte(0)
    assert_equal der, @handle.decode_input(der)
  end

  def test_parse_capabilities
    assert_equal SCEP::CAP_SHA512 | SCEP::CAP_RENEWAL,
                 @handle.parse_capabilities("SHA-512\r\nRenewal\r\n")
  end

  # ---- configuration -----------------------------------------------------

  def test_encrypted_key_with_password
    assert_raises(SCEP::KeyLoadError) do
      @handle.pkcsreq(K::CLIENT_KEY_AES, nil, K::CA, K::CLIENT_CSR)
    end
    @handle.set_key_password(K::CLIENT_KEY_PASSWORD)
    msg = unwrap_as_ca(@handle.pkcsreq(K::CLIENT_KEY_AES, nil, K::CA,
                                       K::CLIENT_CSR))
    assert_equal CLIENT_SUBJECT, msg.subject
    @handle.set_key_password(nil)
  end

  def test_encrypted_key_with_password_from_environment
    ENV['SCEP_TEST_KEY_PASSWORD'] = K::CLIENT_KEY_PASSWORD
    @handle.set_key_password_env('SCEP_TEST_KEY_PASSWORD')
    msg = unwrap_as_ca(@handle.pkcsreq(K::CLIENT_KEY_AES, nil, K::CA,
                                       K::CLIENT_CSR))
    assert_equal CLIENT_SUBJECT, msg.subject
  ensure
    ENV.delete('SCEP_TEST_KEY_PASSWORD')
  end

  def test_log_file
    Dir.mktmpdir do |dir|
      log = File.join(dir, 'scep.log')
      @handle.set_log_level(SCEP::LOG_DEBUG)
      @handle.set_log_file(log)
      assert_raises(SCEP::FormatError) { @handle.parse('not a message') }
      @handle.set_log_file(nil)
      assert_includes File.read(log), 'not a SCEP message'
    end
  end

  def test_log_file_that_cannot_be_opened
    error = assert_raises(SCEP::FileError) do
      @handle.set_log_file('/nonexistent/folder/scep.log')
    end
    assert_equal SCEP::ERR_IO, error.status
    assert_includes error.message, '/nonexistent/folder/scep.log'
  end

  def test_pkcs11_module_that_does_not_exist
    error = assert_raises(SCEP::PKCS11Error) do
      @handle.set_pkcs11('/nonexistent/module.so', '1234', nil, -1)
    end
    assert_includes error.message, '/nonexistent/module.so'
    assert_nil @handle.set_pkcs11_pin_env('SCEP_TEST_PIN')
  end

  # ---- errors ------------------------------------------------------------

  def test_garbage_input
    error = assert_raises(SCEP::FormatError) { @handle.parse("\x00garbage\xff".b) }
    assert_equal [SCEP::ERR_FORMAT, 'SCEP_ERR_FORMAT'],
                 [error.status, error.status_name]
    assert_includes error.message, 'not a SCEP message'
    assert_equal SCEP::ERR_FORMAT, @handle.last_status
    assert_equal error.message, @handle.last_error
  end

  def test_wrong_key_cannot_decrypt
    der = request_der
    error = assert_raises(SCEP::Error) do
      @handle.unwrap(der, nil, K::CA, K::OTHER_KEY)
    end
    assert_includes [SCEP::ERR_DECRYPT, SCEP::ERR_KEY], error.status
  end

  def test_tampered_message
    der = request_der.dup
    der.setbyte(der.bytesize / 2, der.getbyte(der.bytesize / 2) ^ 1)
    error = assert_raises(SCEP::Error) { @handle.parse(der) }
    assert_includes [SCEP::ERR_VERIFY, SCEP::ERR_FORMAT], error.status
    assert_equal @handle.last_error, error.message
  end

  def test_reply_from_untrusted_signer
    reply = @handle.create_pending_reply(K::CA_KEY, K::CA, request_der)
    assert_raises(SCEP::VerifyError) { @handle.parse(reply, K::CLIENT_CERT) }
  end

  def test_bad_algorithm_name
    error = assert_raises(SCEP::AlgorithmError) { @handle.set_sigalg('sha3-1000') }
    assert_includes error.message, '"sha3-1000"'
    assert_raises(SCEP::AlgorithmError) { @handle.set_encalg('rot13') }
  end

  def test_unknown_fail_info
    der = request_der
    error = assert_raises(SCEP::InvalidArgumentError) do
      @handle.create_error_reply(K::CA_KEY, K::CA, der, 'badLuck')
    end
    assert_includes error.message, 'badLuck'
  end

  def test_wrong_argument_types
    assert_raises(TypeError) { @handle.parse(12_345) }
    assert_raises(TypeError) { @handle.parse(nil) }
  end

  def test_missing_value_is_an_error_not_nil
    msg = @handle.parse(request_der)
    %i[fail_info cert crl pki_status recipient_nonce pkcs10].each do |getter|
      assert_raises(SCEP::StateError, getter) { msg.public_send(getter) }
    end
    assert_equal SCEP::ERR_STATE, msg.last_status
    assert_includes msg.last_error, 'has no'
    refute msg.success?
  end

  # ---- lifetimes ---------------------------------------------------------

  def test_message_outlives_its_handle
    der = request_der
    msg = SCEP::Handle.new.unwrap(der, nil, K::CA, K::CA_KEY)
    GC.start
    assert_equal CLIENT_SUBJECT, msg.subject
    assert_equal 16, msg.sender_nonce.bytesize
  end

  def test_dropped_objects_are_collected
    der = request_der
    2000.times { SCEP::Handle.new.parse(der).transaction_id }
    GC.start
    assert_equal 'PKCSReq', @handle.parse(der).message_type
  end
end
