# Arguments at the edge: text with a NUL byte inside, and nil, "" and
# values of the wrong type for every argument of pkcsreq, parse, unwrap
# and create_error_reply_wop7.  Each gives a clear error, never a crash or
# an empty result.
require 'minitest/autorun'
require 'scep'
require_relative 'support'

class TestArguments < Minitest::Test
  K = Support::Keys
  NONCE = ("\x00\x01\x00\x02" * 4).b # a nonce may hold NUL bytes

  def setup
    @handle = SCEP::Handle.new
    @request = @handle.pkcsreq(K::CLIENT_KEY, K::CLIENT_CERT, K::CA,
                               K::CLIENT_CSR)
  end

  # Each method with good arguments, and the positions where nil means
  # "none" rather than a missing value.
  def cases
    {
      pkcsreq: [[K::CLIENT_KEY, K::CLIENT_CERT, K::CA, K::CLIENT_CSR], [1]],
      parse: [[@request, K::CLIENT_CERT], [1]],
      unwrap: [[@request, nil, K::CA, K::CA_KEY], [1]],
      create_error_reply_wop7: [[K::CA_KEY, K::CA, 'ABC', NONCE, 'badAlg'],
                                []]
    }
  end

  def call_with(method, args, index, value)
    changed = args.dup
    changed[index] = value
    @handle.public_send(method, *changed)
  end

  def assert_good_result(result, label)
    if result.is_a?(SCEP::Message)
      refute_empty result.message_type, label
    else
      assert_match(/\A-----BEGIN PKCS7-----/, result, label)
    end
  end

  def test_good_arguments_work
    cases.each do |method, (args, _)|
      assert_good_result(@handle.public_send(method, *args), method)
    end
  end

  def test_wrong_types_raise_type_error_naming_the_argument
    cases.each do |method, (args, _)|
      args.each_index do |i|
        [42, :key, [], 1.5].each do |value|
          label = "#{method} argument #{i + 1} = #{value.inspect}"
          error = assert_raises(TypeError, label) do
            call_with(method, args, i, value)
          end
          assert_match(/\Aargument #{i + 1} \(\w+\) must be a String/,
                       error.message, label)
          assert_match(/not #{value.class}\z/, error.message, label)
        end
      end
    end
  end

  def test_nil_and_empty_strings_raise_or_mean_none
    cases.each do |method, (args, optional)|
      args.each_index do |i|
        [nil, ''].each do |value|
          label = "#{method} argument #{i + 1} = #{value.inspect}"
          if optional.include?(i) && value.nil?
            assert_good_result(call_with(method, args, i, value), label)
            next
          end
          begin
            result = call_with(method, args, i, value)
          rescue SCEP::Error, TypeError => e
            refute_empty e.message, label
            next
          end
          # Only an optional certificate may be left empty: it means none.
          assert_includes optional, i, "#{label} gave #{result.inspect}"
          assert_good_result(result, label)
        end
      end
    end
  end

  def test_text_with_nul_is_refused
    {
      [:set_key_password, 0] => ["a\0b"],
      [:set_sigalg, 0] => ["sha256\0x"],
      [:set_log_file, 0] => ["/tmp/scep\0.log"],
      [:pkcsreq, 3] => [K::CLIENT_KEY, nil, K::CA, "#{K::CLIENT_CSR}\0"],
      [:unwrap, 2] => [@request, nil, "#{K::CA}\0", K::CA_KEY],
      [:create_error_reply_wop7, 2] => [K::CA_KEY, K::CA, "AB\0C", NONCE,
                                        'badAlg'],
      [:create_error_reply_wop7, 4] => [K::CA_KEY, K::CA, 'ABC', NONCE,
                                        "badAlg\0"]
    }.each do |(method, index), args|
      error = assert_raises(SCEP::InvalidArgumentError, method) do
        @handle.public_send(method, *args)
      end
      assert_match(/\Aargument #{index + 1} \(\w+\) contains a NUL byte\z/,
                   error.message)
      assert_equal SCEP::ERR_ARGUMENT, error.status
    end
  end

  def test_password_is_not_cut_at_nul
    assert_raises(SCEP::InvalidArgumentError) do
      @handle.set_key_password("#{K::CLIENT_KEY_PASSWORD}\0wrong")
    end
    assert_raises(SCEP::KeyLoadError) do
      @handle.pkcsreq(K::CLIENT_KEY_AES, nil, K::CA, K::CLIENT_CSR)
    end
  end

  def test_bytes_arguments_keep_their_nul_bytes
    tid = @handle.parse(@request).transaction_id
    reply = @handle.create_pending_reply_wop7(K::CA_KEY, K::CA, tid, NONCE)
    assert_equal NONCE, @handle.parse(reply, K::CA).recipient_nonce
  end
end
